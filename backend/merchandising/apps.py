from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MerchandisingConfig(AppConfig):
    name = "backend.merchandising"
    label = "merchandising"
    verbose_name = _("首页运营与活动")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from backend.catalog.schedule import register_boundary_provider
        from backend.merchandising.collections import connect_signals
        from backend.merchandising.schedule import merchandising_boundaries

        connect_signals((post_save, post_delete))
        register_boundary_provider(merchandising_boundaries)
