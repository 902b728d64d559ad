"""Signals of the station network.

`station_status_changed` is sent once the transaction that changed a station's status has
committed (never for a rolled-back change), with keyword arguments:

- `station`: the Station, already holding its new status;
- `old_status`, `new_status`: StationStatus values;
- `actor`: the user who made the change (None for a task or the shell);
- `reason`: the reason given, "" if none.

The routing app connects to it to re-route a suspended or closed station's pending parcels to
the nearest active station of the same town (issue #4). A receiver runs outside the status
change's transaction, so it must open its own.
"""

from django.dispatch import Signal

station_status_changed = Signal()
