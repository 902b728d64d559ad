from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PovertyConfig(AppConfig):
    name = "backend.poverty"
    label = "poverty"
    verbose_name = _("扶贫网销专区")
