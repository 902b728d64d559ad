from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StationsConfig(AppConfig):
    name = "backend.stations"
    label = "stations"
    verbose_name = _("站点网络")
    default_auto_field = "django.db.models.BigAutoField"
