from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TargetsConfig(AppConfig):
    name = "backend.targets"
    label = "targets"
    verbose_name = _("规划目标看板")
