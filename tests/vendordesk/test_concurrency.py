"""Two phones of the same cooperative tapping "handed to the station" for one parcel at the
same moment: one hand-over row, one audit record, the other request is told it was done."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from backend.core.models import AuditLogEntry
from backend.vendordesk import services
from backend.vendordesk.models import PackingStatus, VendorParcel

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_staff_handing_over_the_same_parcel_at_once_make_one_event(world):
    parcel = world.parcel(world.a)
    users = [world.a.owner, world.a_staff]
    barrier = threading.Barrier(len(users))
    results, errors = [], []

    def tap(user):
        try:
            barrier.wait()
            results.append(services.hand_over(user=user, shipment_id=parcel.pk))
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=tap, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(result.repeated for result in results) == [False, True]
    assert VendorParcel.objects.filter(shipment=parcel).count() == 1
    assert VendorParcel.objects.get(shipment=parcel).status == PackingStatus.HANDED_OVER
    assert (
        AuditLogEntry.objects.filter(
            action="shipment.handed_to_station_by_vendor", object_id=str(parcel.pk)
        ).count()
        == 1
    )
    assert parcel.events.filter(action="handed_to_station").count() == 1


def test_packing_and_handing_over_at_once_end_handed_over(world):
    parcel = world.parcel(world.a)
    barrier = threading.Barrier(2)
    errors = []

    def run(service, user):
        try:
            barrier.wait()
            service(user=user, shipment_id=parcel.pk)
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=(services.mark_packed, world.a_staff)),
        threading.Thread(target=run, args=(services.hand_over, world.a.owner)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert VendorParcel.objects.filter(shipment=parcel).count() == 1
