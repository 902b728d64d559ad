from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CheckoutConfig(AppConfig):
    name = "backend.checkout"
    label = "checkout"
    verbose_name = _("结算")
    default_auto_field = "django.db.models.BigAutoField"
