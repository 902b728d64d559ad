from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DiscountConfig(AppConfig):
    name = "backend.discount"
    label = "discount"
    verbose_name = _("促销与优惠券")

    def ready(self) -> None:
        from backend.catalog.schedule import register_boundary_provider
        from backend.discount.rules import schedule_boundaries

        # Promotion, special-price and voucher windows open and close at exact instants:
        # page and response caches key on the schedule epoch these boundaries define.
        register_boundary_provider(schedule_boundaries)
