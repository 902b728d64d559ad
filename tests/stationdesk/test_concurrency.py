"""Two operators scanning the same pickup code at the same moment release the parcel once."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from backend.routing.models import ShipmentStatus, TrackingAction
from backend.stationdesk import services
from backend.stationdesk.error_codes import StationDeskErrorCode as Code
from backend.stationdesk.services import StationDeskError
from backend.stations.models import StationOperator
from tests.factories import UserFactory
from tests.stationdesk.conftest import code_of, wrong_code_for

pytestmark = pytest.mark.django_db(transaction=True)


def _race(calls) -> list[object]:
    barrier = threading.Barrier(len(calls))
    outcomes: list[object] = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            outcomes[index] = call()
        except StationDeskError as error:
            outcomes[index] = error.desk_code
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return outcomes


def test_concurrent_hand_over_releases_the_parcel_exactly_once(desk):
    parcel = desk.parcel(status=ShipmentStatus.READY_FOR_PICKUP)
    second = UserFactory()
    StationOperator.objects.create(station=desk.stations["VA1"], user=second)
    calls = [
        lambda user=user: services.hand_over(
            station=desk.stations["VA1"],
            code=parcel.code,
            pickup_code=code_of(parcel),
            user=user,
        )
        for user in (desk.op_a, second, desk.op_a, second)
    ]
    outcomes = _race(calls)
    released = [o for o in outcomes if isinstance(o, services.ScanResult)]
    assert len(released) == 1
    assert sorted(o for o in outcomes if isinstance(o, str)) == [Code.ALREADY_PICKED_UP] * 3
    parcel.refresh_from_db()
    assert parcel.status == ShipmentStatus.PICKED_UP
    assert parcel.events.filter(action=TrackingAction.PICKED_UP).count() == 1


def test_concurrent_wrong_codes_cannot_exceed_the_limit(desk):
    parcel = desk.parcel(status=ShipmentStatus.READY_FOR_PICKUP)
    calls = [
        lambda: services.hand_over(
            station=desk.stations["VA1"],
            code=parcel.code,
            pickup_code=wrong_code_for(parcel),
            user=desk.op_a,
        )
        for _ in range(8)
    ]
    outcomes = _race(calls)
    assert outcomes.count(Code.INVALID_PICKUP_CODE) == 5
    assert outcomes.count(Code.TOO_MANY_ATTEMPTS) == 3
    assert parcel.events.filter(action=TrackingAction.PICKUP_CODE_REJECTED).count() == 5


def test_concurrent_inbound_scans_receive_the_parcel_once(desk):
    parcel = desk.parcel()
    calls = [
        lambda: services.receive_parcel(
            station=desk.stations["VA1"], code=parcel.code, user=desk.op_a
        )
        for _ in range(4)
    ]
    outcomes = _race(calls)
    assert sorted(o.repeated for o in outcomes) == [False, True, True, True]
    assert parcel.events.filter(action=TrackingAction.RECEIVED).count() == 1
    assert parcel.events.filter(action=TrackingAction.READY_FOR_PICKUP).count() == 1


def test_concurrent_cash_collection_charges_once(desk):
    parcel = desk.parcel(status=ShipmentStatus.READY_FOR_PICKUP, paid=False)
    calls = [
        lambda: services.collect_cash(
            station=desk.stations["VA1"], code=parcel.code, amount="25.60", user=desk.op_a
        )
        for _ in range(3)
    ]
    outcomes = _race(calls)
    assert outcomes.count(Code.ALREADY_PAID) == 2
    parcel.order.refresh_from_db()
    assert parcel.order.total_charged_amount == parcel.order.total_gross_amount
