from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StationDeskConfig(AppConfig):
    name = "backend.stationdesk"
    label = "stationdesk"
    verbose_name = _("站点工作台")
    default_auto_field = "django.db.models.BigAutoField"
