"""Recalls: from a batch, exactly the order lines, stations and shoppers that received it; the
shoppers told by SMS and e-mail; the batch's unsold stock blocked; acknowledgements tracked;
paid lines refunded per the policy."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from backend.inventory.models import Stock
from backend.order.services import cancel_order
from backend.payment.services import mark_order_paid
from backend.routing import pickup_codes
from backend.routing.models import DeliveryKind, Shipment, ShipmentLine
from backend.stations.models import Station, StationLevel
from backend.trace import recalls
from backend.trace.models import RecallNotice
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def ship(order, station):
    shipment = Shipment.objects.create(
        order=order,
        sequence=1,
        code=pickup_codes.new_parcel_code(),
        delivery_kind=DeliveryKind.PICKUP,
        destination_station=station,
        pickup_code_salt=pickup_codes.new_salt(),
    )
    for line in order.lines.all():
        ShipmentLine.objects.create(shipment=shipment, order_line=line, quantity=line.quantity)
    return shipment


@pytest.fixture
def known(trace_world):
    """Batch A (5 units, earliest expiry) and B (later): a cancelled order that took A, then
    o1 2×A, o2 2×A, o3 1×A + 1×B, o4 1×B."""
    a = trace_world.batch("A", quantity=5, packed_days_ago=30, shelf=100)
    b = trace_world.batch("B", quantity=10, packed_days_ago=5, shelf=365)
    cancelled = trace_world.order(1, paid=False)
    cancel_order(cancelled, user=trace_world.market.reviewer)
    shoppers = [UserFactory(phone=f"+861390000100{i}", email=f"s{i}@example.com") for i in range(4)]
    orders = []
    for shopper, quantity in zip(shoppers, (2, 2, 2, 1), strict=True):
        order = trace_world.order(
            quantity,
            paid=False,
            user=shopper,
            user_phone=str(shopper.phone),
            user_email=shopper.email,
        )
        mark_order_paid(order, user=trace_world.market.reviewer)
        orders.append(order)
    station = Station.objects.create(
        code="C-GY",
        name="灌云县分拨中心",
        level=StationLevel.COUNTY,
        latitude=Decimal("34.3"),
        longitude=Decimal("119.2"),
    )
    ship(orders[0], station)
    return a, b, orders, station, shoppers


def test_a_recall_finds_exactly_the_orders_that_received_the_batch(
    trace_world, known, django_capture_on_commit_callbacks, eager_celery, sms
):
    a, _b, orders, station, shoppers = known
    with django_capture_on_commit_callbacks(execute=True):
        recall = recalls.open_recall(
            actor=trace_world.inspector, batch=a, reason="镉超标", refund_policy="full"
        )
    notices = {n.order_id: n for n in RecallNotice.objects.filter(recall=recall)}
    assert set(notices) == {orders[0].pk, orders[1].pk, orders[2].pk}
    assert {o: n.quantity for o, n in notices.items()} == {
        orders[0].pk: 2,
        orders[1].pk: 2,
        orders[2].pk: 1,
    }
    assert notices[orders[0].pk].station == station
    # Shoppers told by SMS and e-mail; the fourth (batch B only) is not.
    for shopper in shoppers[:3]:
        assert any("召回通知" in text for text in sms(str(shopper.phone)))
    assert not sms(str(shoppers[3].phone))
    assert sorted(m.to[0] for m in mail.outbox if "召回" in m.subject) == [
        "s0@example.com",
        "s1@example.com",
        "s2@example.com",
    ]
    # Refunded per the policy: what the units were paid (12.80 each).
    amounts = dict(RecallNotice.objects.values_list("order_id", "refunded_amount"))
    assert amounts[orders[0].pk] == Decimal("25.60")
    assert amounts[orders[2].pk] == Decimal("12.80")
    progress = recalls.progress(recall)
    assert (progress["orders"], progress["notified"], progress["acknowledged"]) == (3, 3, 0)
    assert progress["refunded"] == 3


def test_shoppers_acknowledge_from_the_link_and_progress_follows(trace_world, known):
    a, *_rest = known
    recall = recalls.open_recall(
        actor=trace_world.inspector, batch=a, reason="镉超标", refund_policy="none"
    )
    notice = RecallNotice.objects.filter(recall=recall).first()
    client = Client()
    url = reverse("trace:recall", args=[notice.token])
    page = client.get(url)
    assert page.status_code == 200 and "我已收到通知" in page.content.decode()
    assert client.post(url).status_code == 200
    notice.refresh_from_db()
    assert notice.acknowledged_at is not None
    assert recalls.progress(recall)["completion"] == Decimal("33.3")
    assert client.get(reverse("trace:recall", args=["forged-token"])).status_code == 404


def test_a_second_recall_of_the_same_batch_is_refused(trace_world, known):
    a, *_rest = known
    recalls.open_recall(actor=trace_world.inspector, batch=a, reason="第一次")
    with pytest.raises(Exception) as raised:
        recalls.open_recall(actor=trace_world.inspector, batch=a, reason="第二次")
    assert raised.value.error_dict["batch"][0].code == "ALREADY_RECALLED"


def test_the_unsold_units_of_a_recalled_batch_are_blocked(trace_world, known):
    _a, b, *_rest = known
    stock = Stock.objects.get(product_variant=trace_world.variant)
    before = stock.quantity
    recalls.open_recall(actor=trace_world.inspector, batch=b, reason="召回")
    b.refresh_from_db()
    stock.refresh_from_db()
    assert (b.status, b.quantity_blocked) == ("recalled", 8)  # 10 − o3's 1 − o4's 1
    assert stock.quantity == before - 8
    assert trace_world.market.shop.channel  # the stock can no longer be sold:
    from backend.inventory.allocation import available_quantities

    free = available_quantities(trace_world.market.shop.channel.pk, [trace_world.variant.pk])
    assert free[trace_world.variant.pk] == stock.quantity - stock.quantity_allocated


def test_a_recalled_batch_is_never_allocated_again(trace_world, known):
    a, b, *_rest = known
    recalls.open_recall(actor=trace_world.inspector, batch=a, reason="召回")
    order = trace_world.order(1)
    assert list(order.lines.get().batch_allocations.values_list("batch", flat=True)) == [b.pk]


def test_the_inspectors_recall_page_shows_progress(trace_world, known):
    a, *_rest = known
    recall = recalls.open_recall(actor=trace_world.inspector, batch=a, reason="召回")
    client = Client()
    client.force_login(trace_world.inspector)
    page = client.get(reverse("inspect:recall", args=[recall.pk]))
    assert page.status_code == 200
    assert "灌云县分拨中心" in page.content.decode()
    shopper_client = Client()
    shopper_client.force_login(trace_world.owner)
    assert shopper_client.get(reverse("inspect:recall", args=[recall.pk])).status_code == 403
    assert Client().get(reverse("inspect:recall", args=[recall.pk])).status_code == 302
    closed = client.post(reverse("inspect:recall", args=[recall.pk]))
    assert closed.status_code == 302
    recall.refresh_from_db()
    assert recall.status == "closed"
    assert timezone.now() - recall.closed_at < datetime.timedelta(minutes=1)
