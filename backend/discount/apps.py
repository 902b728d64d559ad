from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DiscountConfig(AppConfig):
    name = "backend.discount"
    label = "discount"
    verbose_name = _("促销与优惠券")
