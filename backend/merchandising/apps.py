from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MerchandisingConfig(AppConfig):
    name = "backend.merchandising"
    label = "merchandising"
    verbose_name = _("首页运营与活动")
