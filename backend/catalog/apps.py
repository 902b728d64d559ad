from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "backend.catalog"
    label = "catalog"
    verbose_name = _("商品目录")

    def ready(self) -> None:
        from backend.catalog.cache import connect_signals

        connect_signals()
