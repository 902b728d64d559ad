from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrderConfig(AppConfig):
    name = "backend.order"
    label = "order"
    verbose_name = _("订单")
    default_auto_field = "django.db.models.BigAutoField"
