from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BrandConfig(AppConfig):
    name = "backend.brand"
    label = "brand"
    verbose_name = _("区域公用品牌")

    def ready(self) -> None:
        # Licence windows are schedule boundaries: caches keyed by the schedule epoch miss at
        # the instant a badge appears or disappears (backend/catalog/schedule.py).
        from backend.brand.selectors import licence_boundaries
        from backend.catalog.schedule import register_boundary_provider

        register_boundary_provider(licence_boundaries)
