from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RoutingConfig(AppConfig):
    name = "backend.routing"
    label = "routing"
    verbose_name = _("订单路由")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from backend.routing.signals import reroute_on_station_status_change
        from backend.stations.signals import station_status_changed

        station_status_changed.connect(
            reroute_on_station_status_change, dispatch_uid="routing.reroute_station"
        )
