from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RoutingConfig(AppConfig):
    name = "backend.routing"
    label = "routing"
    verbose_name = _("订单路由")
    default_auto_field = "django.db.models.BigAutoField"
