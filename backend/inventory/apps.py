from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InventoryConfig(AppConfig):
    name = "backend.inventory"
    label = "inventory"
    verbose_name = _("仓储库存")
