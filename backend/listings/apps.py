from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ListingsConfig(AppConfig):
    name = "backend.listings"
    label = "listings"
    verbose_name = _("商品审核")
    default_auto_field = "django.db.models.BigAutoField"
