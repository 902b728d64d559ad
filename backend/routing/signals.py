"""Receivers of other apps' signals."""

from __future__ import annotations

from backend.stations.models import StationStatus


def reroute_on_station_status_change(sender, *, station, new_status, actor=None, **kwargs):
    """A suspended or closed station's pending parcels go elsewhere (issue #4)."""
    if new_status not in (StationStatus.SUSPENDED, StationStatus.CLOSED):
        return
    from backend.routing.services import reroute_station

    reroute_station(station=station, actor=actor)
