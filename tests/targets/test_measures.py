"""Each target's figure on a known data set, in the county's months (Asia/Shanghai)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from backend.brand.models import BrandLicence, LicenceStatus, PublicBrand
from backend.order.models import OrderGrantedRefund, OrderGrantedRefundLine, OrderStatus
from backend.poverty.ledger import record_payment, record_refund
from backend.poverty.models import HouseholdInclusion, InclusionKind, RelatedAccount
from backend.stations.models import StationStatus
from backend.targets.measures import measure
from backend.targets.models import LeadingEnterprise
from backend.training.models import Attendee, TrainingCourse
from backend.vendors.models import VendorStatus
from tests.factories import (
    ChannelFactory,
    OrderLineFactory,
    ProductFactory,
    ProductVariantFactory,
    StationFactory,
    UserFactory,
    VendorFactory,
    VillageFactory,
)
from tests.targets.conftest import local, order_at
from tests.training.conftest import attend, make_job, make_session

DEC_2025 = dt.date(2025, 12, 1)
JAN_2026 = dt.date(2026, 1, 1)


@pytest.mark.django_db
def test_an_order_half_an_hour_into_the_new_year_counts_in_january_not_december():
    channel = ChannelFactory()
    order = order_at(channel, local(2026, 1, 1, 0, 30), "100.00")
    assert order.created_at.astimezone(dt.UTC).date() == dt.date(2025, 12, 31)
    order_at(channel, local(2025, 12, 31, 23, 59), "7.00")

    assert measure("retail_growth", JAN_2026)[0] == Decimal("100.00")
    assert measure("retail_growth", DEC_2025)[0] == Decimal("7.00")


@pytest.mark.django_db
def test_cancelled_expired_orders_and_refunds_are_left_out_of_marketplace_sales():
    channel = ChannelFactory()
    order_at(channel, local(2026, 1, 5, 10), "100.00")
    order_at(channel, local(2026, 1, 6, 10), "50.00", status=OrderStatus.CANCELED)
    order_at(channel, local(2026, 1, 7, 10), "30.00", status=OrderStatus.EXPIRED)
    granted = order_at(channel, local(2026, 1, 8, 10), "80.00")
    OrderGrantedRefund.objects.create(order=granted, amount_value=Decimal("20.00"))
    paid_back = order_at(channel, local(2026, 1, 9, 10), "40.00", total_refunded_amount=40)

    value, detail = measure("retail_growth", JAN_2026)
    assert value == Decimal("160.00")  # 100 + (80 - 20) + (40 - 40)
    assert detail["orders"] == 3
    assert detail["refunds"] == "60.00"
    assert paid_back.total_refunded_amount == Decimal("40.00")


def _certified_order(zone, when: dt.datetime, *, user=None, quantity=1):
    order = zone.unpaid_order([(zone.rice_variant, quantity)], user=user)
    record_payment(order, at=when)
    return order


@pytest.mark.django_db
def test_poverty_sales_by_shanghai_month_without_related_purchases_and_less_refunds(zone):
    zone.certify(zone.rice, start=local(2025, 11, 1), until=local(2027, 1, 1))
    december = _certified_order(zone, local(2025, 12, 31, 23, 50))
    january = _certified_order(zone, local(2026, 1, 1, 0, 30), quantity=2)
    relative = UserFactory()
    RelatedAccount.objects.create(user=relative, vendor=zone.vendor, reason="亲属")
    _certified_order(zone, local(2026, 1, 2, 9), user=relative, quantity=5)

    dec_value, _detail = measure("poverty_sales", DEC_2025)
    jan_value, jan_detail = measure("poverty_sales", JAN_2026)
    assert dec_value == december.total_gross_amount
    assert jan_value == january.total_gross_amount
    assert (
        Decimal(jan_detail["excluded"]) == 5 * zone.rice_variant.channel_listings.get().price_amount
    )

    line = january.lines.get()
    grant = OrderGrantedRefund.objects.create(
        order=january, amount_value=line.unit_price_gross_amount
    )
    OrderGrantedRefundLine.objects.create(
        granted_refund=grant,
        order_line=line,
        quantity=1,
        amount_value=line.unit_price_gross_amount,
    )
    record_refund(grant, at=local(2026, 1, 20, 12))
    assert measure("poverty_sales", JAN_2026)[0] == line.unit_price_gross_amount


@pytest.mark.django_db
def test_logistics_coverage_counts_villages_served_by_active_stations():
    served, other, _third = VillageFactory(), VillageFactory(), VillageFactory()
    StationFactory(village=served)
    StationFactory(village=other, status=StationStatus.SUSPENDED)

    value, detail = measure("logistics_coverage", dt.date.today().replace(day=1))
    assert detail["villages_served"] == 1
    assert value == Decimal("33.3")


@pytest.mark.django_db
def test_weak_village_covered_by_a_station_a_vendor_or_a_benefit(zone):
    by_station = VillageFactory(is_economically_weak=True)
    StationFactory(village=by_station)
    by_vendor = VillageFactory(is_economically_weak=True)
    VendorFactory(status=VendorStatus.ACTIVE, town=by_vendor.town.name, village=by_vendor.name)
    VillageFactory(is_economically_weak=True)  # not reached
    zone.certify(zone.rice)
    # The benefit reaches both of the zone's villages (its households live in both).
    zone.paid_order([(zone.rice_variant, 1)])

    value, detail = measure("weak_village_services", dt.date.today().replace(day=1))
    # Weak villages: zone.village, zone.other_village, by_station, by_vendor, the last one.
    assert detail["weak_villages"] == 5
    assert (detail["by_station"], detail["by_vendor"], detail["by_benefit"]) == (1, 1, 2)
    assert value == Decimal("80.0")


@pytest.mark.django_db
def test_training_person_times_and_jobs_by_shanghai_month():
    course = TrainingCourse.objects.create(title="网店运营", topic="网店")
    people = [Attendee.objects.create(name=f"学员{i}", name_masked="学*") for i in range(3)]
    december = make_session(course, local(2025, 12, 31, 23, 30))
    january = make_session(course, local(2026, 1, 1, 0, 30))
    for person in people:
        attend(december, person)
    attend(january, people[0])
    make_job(vendor=VendorFactory(), start_date=dt.date(2026, 1, 1))

    assert measure("training", DEC_2025)[0] == 3
    value, detail = measure("training", JAN_2026)
    assert (value, detail["jobs"], detail["people"]) == (1, 1, 1)


@pytest.mark.django_db
def test_trace_entities_count_vendors_with_a_batch_by_the_month_end():
    from backend.trace.models import Batch

    variant = ProductVariantFactory()
    for vendor in (VendorFactory(), VendorFactory()):
        Batch.objects.create(
            code=f"B{vendor.pk}",
            vendor=vendor,
            variant=variant,
            lot_number="L1",
            expires_on=dt.date(2027, 1, 1),
            quantity=10,
        )
    value, detail = measure("trace_entities", dt.date.today().replace(day=1))
    assert value == 2 and detail["batches"] == 2
    assert measure("trace_entities", DEC_2025)[0] == 0  # the batches were created later


@pytest.mark.django_db
def test_public_brand_in_use_only_with_a_licence_in_force():
    PublicBrand.objects.create(county_name="灌云县", name="灌云优品", slug="gy")
    product = ProductFactory()
    licence = BrandLicence.objects.create(
        number="GY-1",
        product=product,
        vendor=VendorFactory(),
        status=LicenceStatus.ACTIVE,
        valid_from=local(2026, 1, 10),
        valid_until=local(2026, 3, 1),
    )
    assert measure("public_brand", DEC_2025)[0] == 0
    value, detail = measure("public_brand", JAN_2026)
    assert value == 1 and detail == {"licences": 1, "products": 1, "vendors": 1}
    assert measure("public_brand", dt.date(2026, 3, 1))[0] == 0
    licence.status = LicenceStatus.REVOKED
    licence.save()
    assert measure("public_brand", JAN_2026)[0] == 0


@pytest.mark.django_db
def test_leading_enterprises_with_their_sales_of_the_month():
    channel = ChannelFactory()
    leader = VendorFactory(status=VendorStatus.ACTIVE, name="龙头企业甲")
    LeadingEnterprise.objects.create(vendor=leader, designated_on=dt.date(2025, 12, 15))
    sold = order_at(channel, local(2026, 1, 3, 10), "30.00")
    OrderLineFactory(order=sold, vendor=leader, unit_price_gross_amount=Decimal("30.00"))
    cancelled = order_at(channel, local(2026, 1, 4, 10), "99.00", status=OrderStatus.CANCELED)
    OrderLineFactory(order=cancelled, vendor=leader, unit_price_gross_amount=Decimal("99.00"))

    value, detail = measure("leading_enterprises", JAN_2026)
    assert value == 1
    assert detail["enterprises"][str(leader.pk)] == {"name": "龙头企业甲", "sales": "30.00"}
    assert measure("leading_enterprises", dt.date(2025, 11, 1))[0] == 0


@pytest.mark.django_db
def test_low_income_inclusion_share_of_registered_people(zone):
    first = zone.households[0]
    HouseholdInclusion.objects.create(
        household=first, kind=InclusionKind.AGENT_PURCHASE, date=dt.date.today()
    )
    value, detail = measure("low_income_inclusion", dt.date.today().replace(day=1))
    people = sum(h.members for h in zone.households)
    assert detail["people"] == people
    assert detail["included_people"] == first.members
    assert detail["by_kind"][InclusionKind.AGENT_PURCHASE] == [1, first.members]
    assert value == (Decimal(first.members) * 100 / people).quantize(Decimal("0.1"))


@pytest.mark.django_db
def test_same_day_delivery_is_unknown_without_parcels_rather_than_zero():
    value, detail = measure("same_day_delivery", JAN_2026)
    assert value is None
    assert (detail["eligible"], detail["same_day"], detail["towns"]) == (0, 0, {})


@pytest.mark.django_db
def test_same_day_delivery_share_of_the_month_from_the_station_figures(net):
    from backend.routing.models import (
        DeliveryKind,
        Shipment,
        ShipmentStatus,
        TrackingAction,
        TrackingEvent,
    )
    from tests.routing.conftest import paid_order, stock

    stock(net["dc"], net["rice"], 100)

    def parcel(ordered, arrived):
        order = paid_order(net, [(net["rice"], 1)], created_at=ordered)
        shipment = Shipment.objects.create(
            order=order,
            sequence=1,
            code=f"P{Shipment.objects.count():010d}",
            status=ShipmentStatus.READY_FOR_PICKUP,
            delivery_kind=DeliveryKind.PICKUP,
            destination_station=net["stations"]["VA1"],
            created_at=ordered,
        )
        TrackingEvent.objects.create(
            shipment=shipment,
            station=shipment.destination_station,
            action=TrackingAction.READY_FOR_PICKUP,
            at=arrived,
        )

    parcel(local(2026, 1, 1, 8), local(2026, 1, 1, 11))  # 1 January, same day
    parcel(local(2026, 1, 2, 9), local(2026, 1, 3, 11))  # next day
    parcel(local(2025, 12, 31, 9), local(2025, 12, 31, 12))  # December

    value, detail = measure("same_day_delivery", JAN_2026)
    assert (detail["eligible"], detail["same_day"], value) == (2, 1, Decimal("50.0"))
    assert measure("same_day_delivery", DEC_2025)[0] == Decimal("100.0")
