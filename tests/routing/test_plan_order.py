"""plan_order on the database: parcels, legs, allocations, holds, idempotency, SQL count."""

from __future__ import annotations

import itertools
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from backend.inventory.models import Allocation, Stock
from backend.order.models import OrderEvent, OrderEvents
from backend.order.payments import update_charge_status
from backend.payment.models import TransactionItem
from backend.routing import pickup_codes
from backend.routing.models import (
    DeliveryKind,
    LegKind,
    Shipment,
    ShipmentStatus,
    TrackingAction,
)
from backend.routing.planner import LegKind as PlannerLegKind
from backend.routing.services import plan_order
from tests.factories import OrderLineFactory, ProductVariantFactory, order_with_lines
from tests.routing.conftest import address_in, paid_order, stock

pytestmark = pytest.mark.django_db


def legs_of(shipment: Shipment) -> list[tuple[str, str, str | None]]:
    return [
        (leg.kind, leg.from_station.code, leg.to_station.code if leg.to_station else None)
        for leg in shipment.legs.select_related("from_station", "to_station")
    ]


def test_planner_leg_kinds_are_the_model_choices():
    kinds = {v for k, v in vars(PlannerLegKind).items() if k.isupper()}
    assert kinds == set(LegKind.values)


def test_home_delivery_order_gets_one_parcel_through_the_county_centre(net):
    stock(net["dc"], net["rice"], 10)
    order = paid_order(net, [(net["rice"], 2)], village="b1")

    result = plan_order(order=order)

    assert result.created and result.hold_reason is None
    [shipment] = result.shipments
    shipment.refresh_from_db()
    assert shipment.status == ShipmentStatus.PLANNED
    assert shipment.delivery_kind == DeliveryKind.HOME_DELIVERY
    assert shipment.destination_station == net["stations"]["VB1"]
    assert shipment.source_warehouse == net["dc"]
    assert re.fullmatch(r"P\d{10}", shipment.code)
    assert legs_of(shipment) == [
        (LegKind.TO_TOWN, "C", "TB"),
        (LegKind.TO_VILLAGE, "TB", "VB1"),
        (LegKind.TO_SHOPPER, "VB1", None),
    ]
    assert [(line.order_line_id, line.quantity) for line in shipment.lines.all()] == [
        (order.lines.get().pk, 2)
    ]
    assert shipment.promised_date is not None
    assert "县级分拨中心有货" in shipment.reason
    assert shipment.plan["warehouse"] == net["dc"].pk
    assert [e.action for e in shipment.events.all()] == [TrackingAction.PLANNED]
    assert shipment.pickup_code_salt == ""  # home delivery needs no pickup code


def test_planning_twice_does_not_duplicate_parcels(net):
    stock(net["dc"], net["rice"], 10)
    order = paid_order(net, [(net["rice"], 2)])
    first = plan_order(order=order)
    second = plan_order(order=order)
    assert not second.created
    assert [s.pk for s in second.shipments] == [s.pk for s in first.shipments]
    assert Shipment.objects.filter(order=order).count() == 1


def test_same_town_pickup_goes_straight_to_the_village_station_and_moves_the_allocation(net):
    # The county centre is fuller, so placing the order allocated its stock there; routing
    # prefers the producer in the pickup station's own town and moves the allocation.
    dc_stock = stock(net["dc"], net["rice"], 50)
    farm_stock = stock(net["farm_a"], net["rice"], 5)
    order = paid_order(net, [(net["rice"], 3)], village="a1", method="pickup:VA1")
    assert Allocation.objects.get(order_line__order=order).stock == dc_stock

    [shipment] = plan_order(order=order).shipments

    assert shipment.source_warehouse_id == net["farm_a"].pk
    assert shipment.delivery_kind == DeliveryKind.PICKUP
    assert legs_of(shipment) == [(LegKind.TO_VILLAGE, "TA", "VA1")]
    assert "不经县级分拨中心" in shipment.reason
    allocation = Allocation.objects.get(order_line__order=order)
    assert (allocation.stock_id, allocation.quantity_allocated) == (farm_stock.pk, 3)
    assert Stock.objects.get(pk=dc_stock.pk).quantity_allocated == 0
    assert Stock.objects.get(pk=farm_stock.pk).quantity_allocated == 3


def test_partial_stock_is_split_into_parcels(net):
    stock(net["dc"], net["rice"], 3)
    stock(net["farm_b"], net["rice"], 2)
    order = paid_order(net, [(net["rice"], 5)], village="a1", method="pickup:TA")

    shipments = plan_order(order=order).shipments

    assert [(s.sequence, s.source_warehouse_id) for s in shipments] == [
        (1, net["dc"].pk),
        (2, net["farm_b"].pk),
    ]
    assert [[line.quantity for line in s.lines.all()] for s in shipments] == [[3], [2]]
    assert legs_of(shipments[1]) == [(LegKind.TO_COUNTY, "TB", "C"), (LegKind.TO_TOWN, "C", "TA")]
    allocated = {a.stock.warehouse_id: a.quantity_allocated for a in Allocation.objects.all()}
    assert allocated == {net["dc"].pk: 3, net["farm_b"].pk: 2}
    assert len({s.code for s in shipments}) == 2


def test_order_without_stock_is_held_with_a_reason_for_staff_then_planned_after_restock(net):
    order = paid_order(net, [(net["rice"], 2)], allocate_stock=False)

    result = plan_order(order=order)

    assert result.hold_reason is not None and "可用库存只有 0 件" in result.hold_reason
    [held] = result.shipments
    assert held.status == ShipmentStatus.HELD and held.reason == result.hold_reason
    assert held.legs.count() == 0
    note = OrderEvent.objects.get(order=order, type=OrderEvents.NOTE_ADDED)
    assert result.hold_reason in note.parameters["message"]
    # Planning again with nothing changed records nothing new.
    plan_order(order=order)
    assert OrderEvent.objects.filter(order=order, type=OrderEvents.NOTE_ADDED).count() == 1

    stock(net["dc"], net["rice"], 10)
    replanned = plan_order(order=order)
    assert replanned.created
    assert [s.status for s in Shipment.objects.filter(order=order)] == [ShipmentStatus.PLANNED]


def test_cold_chain_goods_through_a_station_without_cold_chain_are_held(net):
    stock(net["dc"], net["shrimp"], 10)
    order = paid_order(net, [(net["shrimp"], 1)], village="b1")
    result = plan_order(order=order)
    assert result.hold_reason is not None and "不具备冷链能力" in result.hold_reason


def test_cold_chain_goods_ship_from_the_cold_warehouse_to_a_cold_station(net):
    stock(net["farm_a"], net["shrimp"], 10)  # a plain store: not for shrimp
    stock(net["dc"], net["shrimp"], 10)
    order = paid_order(net, [(net["shrimp"], 1)], village="a1", method="pickup:TA")
    [shipment] = plan_order(order=order).shipments
    assert shipment.source_warehouse_id == net["dc"].pk
    assert shipment.plan["cold_chain"] is True


def test_express_order_leaves_the_county_with_the_courier(net):
    stock(net["farm_a"], net["rice"], 10)
    order = paid_order(net, [(net["rice"], 1)], method="express-weight")
    order.shipping_address.village = None
    order.shipping_address.town = None
    order.shipping_address.save()
    [shipment] = plan_order(order=order).shipments
    assert shipment.delivery_kind == DeliveryKind.EXPRESS
    assert shipment.destination_station is None
    assert legs_of(shipment) == [(LegKind.TO_COUNTY, "TA", "C"), (LegKind.TO_COURIER, "C", None)]


def test_order_of_vouchers_only_gets_no_parcel(net):
    voucher = ProductVariantFactory(track_inventory=False)
    order = paid_order(net, [(voucher, 1)], allocate_stock=False)
    order.lines.update(is_shipping_required=False)
    result = plan_order(order=order)
    assert result.shipments == [] and not result.created
    assert not Shipment.objects.filter(order=order).exists()


def test_voucher_lines_stay_out_of_a_mixed_orders_parcels(net):
    stock(net["dc"], net["rice"], 10)
    order = paid_order(net, [(net["rice"], 1)])
    OrderLineFactory(order=order, variant=None, quantity=1, is_shipping_required=False)
    [shipment] = plan_order(order=order).shipments
    assert shipment.lines.count() == 1


def test_pickup_parcel_gets_a_six_digit_code(net):
    stock(net["dc"], net["rice"], 10)
    order = paid_order(net, [(net["rice"], 1)], village="a1", method="pickup:VA1")
    [shipment] = plan_order(order=order).shipments
    code = pickup_codes.code_for(shipment.pickup_code_salt)
    assert re.fullmatch(r"\d{6}", code)
    assert pickup_codes.matches(shipment.pickup_code_salt, code)
    assert not pickup_codes.matches(shipment.pickup_code_salt, f"{(int(code) + 1) % 10**6:06d}")
    assert code not in shipment.pickup_code_salt  # the database holds no code


def test_pickup_codes_are_random_and_not_sequential():
    codes = [pickup_codes.code_for(pickup_codes.new_salt()) for _ in range(500)]
    assert all(re.fullmatch(r"\d{6}", code) for code in codes)
    assert len(set(codes)) >= 495  # 500 draws from a million collide rarely
    steps = {int(b) - int(a) for a, b in itertools.pairwise(codes)}
    assert len(steps) > 100  # no constant step between consecutive codes
    first_digits = {code[0] for code in codes}
    assert first_digits == set("0123456789")  # leading zeros kept, every digit occurs


def test_suspended_pickup_station_chosen_at_checkout_is_replaced_in_the_plan(net):
    station = net["stations"]["VA1"]
    station.status = "suspended"
    station.save()
    stock(net["dc"], net["rice"], 10)
    order = paid_order(net, [(net["rice"], 1)], village="a1", method="pickup:VA1")
    [shipment] = plan_order(order=order).shipments
    assert shipment.destination_station == net["stations"]["VA2"]
    assert "暂停服务" in shipment.reason


def _statements(order) -> int:
    with CaptureQueriesContext(connection) as queries:
        plan_order(order=order)
    return len(queries)


def test_plan_order_statement_count_does_not_grow_with_lines(net):
    variants = [ProductVariantFactory() for _ in range(8)]
    for variant in variants:
        stock(net["dc"], variant, 20)
        stock(net["farm_b"], variant, 20)
    small = paid_order(net, [(variants[0], 1)], village="b1")
    large = paid_order(net, [(v, 2) for v in variants], village="b1")
    Allocation.objects.all().delete()
    Stock.objects.update(quantity_allocated=0)
    assert _statements(small) == _statements(large)


def test_paid_order_is_planned_after_the_payment_commits(
    net, eager_celery, django_capture_on_commit_callbacks
):
    stock(net["dc"], net["rice"], 10)
    order = order_with_lines(
        channel=net["channel"],
        lines=[(net["rice"], 1)],
        paid=False,
        shipping_address=address_in(net["villages"]["b1"]),
    )
    TransactionItem.objects.create(
        order=order,
        gateway="dummy",
        psp_reference="ref-1",
        currency="CNY",
        charged_value=order.total_gross_amount,
    )
    with django_capture_on_commit_callbacks(execute=True):
        update_charge_status(order)
        assert not Shipment.objects.filter(order=order).exists()  # only after commit
    assert Shipment.objects.filter(order=order, status=ShipmentStatus.PLANNED).count() == 1


def test_unknown_pickup_station_holds_the_order(net):
    stock(net["dc"], net["rice"], 10)
    order = paid_order(net, [(net["rice"], 1)], method="pickup:NOPE")
    result = plan_order(order=order)
    assert result.hold_reason is not None and "NOPE" in result.hold_reason
    assert result.shipments[0].delivery_kind == DeliveryKind.PICKUP
