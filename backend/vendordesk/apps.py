from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VendorDeskConfig(AppConfig):
    name = "backend.vendordesk"
    label = "vendordesk"
    verbose_name = _("商家工作台")
    default_auto_field = "django.db.models.BigAutoField"
