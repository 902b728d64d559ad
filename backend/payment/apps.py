from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentConfig(AppConfig):
    name = "backend.payment"
    label = "payment"
    verbose_name = _("支付")
    default_auto_field = "django.db.models.BigAutoField"
