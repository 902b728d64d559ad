from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SettlementConfig(AppConfig):
    name = "backend.settlement"
    label = "settlement"
    verbose_name = _("商家结算")
    default_auto_field = "django.db.models.BigAutoField"
