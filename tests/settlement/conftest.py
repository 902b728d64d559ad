"""Builders for settlement tests: vendors' order lines, parcels delivered at a given time,
refunds made at a given time, and the users who read and run statements."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission as DjangoPermission
from django.utils import timezone

from backend.account.jwt import create_access_token
from backend.core.permissions import Permission
from backend.order.models import Order, OrderLine
from backend.payment.models import TransactionEvent, TransactionEventType, TransactionItem
from backend.routing.models import (
    DeliveryKind,
    Shipment,
    ShipmentLine,
    ShipmentStatus,
    TrackingAction,
    TrackingEvent,
)
from backend.vendors.models import VendorRole, VendorStaff
from tests.conftest import GraphQLClient
from tests.factories import ChannelFactory, OrderFactory, UserFactory, VendorFactory

_codes = itertools.count(1)


def at(year, month, day, hour=12, minute=0) -> dt.datetime:
    """An aware datetime, Beijing time."""
    return timezone.make_aware(dt.datetime(year, month, day, hour, minute))


def make_order(channel, lines, *, shipping=Decimal("0.00")) -> tuple[Order, list[OrderLine]]:
    """An order of `lines`: dicts with vendor, price, quantity and optionally list_price
    (undiscounted unit price) and name."""
    order = OrderFactory(channel=channel)
    made = []
    for index, spec in enumerate(lines):
        price = Decimal(spec["price"])
        quantity = spec.get("quantity", 1)
        vendor = spec.get("vendor")
        made.append(
            OrderLine.objects.create(
                order=order,
                vendor=vendor,
                vendor_name=vendor.name if vendor else "",
                product_name=spec.get("name", f"商品{index}"),
                variant_name=spec.get("variant", "500g"),
                quantity=quantity,
                unit_price_gross_amount=price,
                unit_price_net_amount=price,
                total_price_gross_amount=price * quantity,
                total_price_net_amount=price * quantity,
                undiscounted_unit_price_gross_amount=Decimal(spec.get("list_price", price)),
                sort_order=index,
            )
        )
    goods = sum((line.total_price_gross_amount for line in made), Decimal(0))
    order.subtotal_gross_amount = goods
    order.shipping_price_gross_amount = shipping
    order.total_gross_amount = order.total_charged_amount = goods + shipping
    order.save()
    order.refresh_from_db()
    return order, made


def deliver(lines, when, *, picked_up=True, quantities=None, status=None) -> Shipment:
    """One parcel carrying `lines` (all units, or `quantities`), received by the shopper at
    `when`: picked up at the station or delivered home."""
    lines = list(lines)
    order = lines[0].order
    received = ShipmentStatus.PICKED_UP if picked_up else ShipmentStatus.DELIVERED
    shipment = Shipment.objects.create(
        order=order,
        sequence=Shipment.objects.filter(order=order).count() + 1,
        code=f"P{next(_codes):010d}",
        status=status or received,
        delivery_kind=DeliveryKind.PICKUP if picked_up else DeliveryKind.HOME_DELIVERY,
    )
    for index, line in enumerate(lines):
        ShipmentLine.objects.create(
            shipment=shipment,
            order_line=line,
            quantity=quantities[index] if quantities else line.quantity,
        )
    if status is None:
        TrackingEvent.objects.create(
            shipment=shipment,
            action=TrackingAction.PICKED_UP if picked_up else TrackingAction.DELIVERED,
            at=when,
        )
    return shipment


def refund(order, amount, when) -> TransactionEvent:
    """A successful refund of `amount` to the shopper at `when`."""
    item = TransactionItem.objects.create(gateway="dummy", order=order)
    return TransactionEvent.objects.create(
        transaction=item,
        type=TransactionEventType.REFUND_SUCCESS,
        amount_value=Decimal(amount),
        created_at=when,
    )


def manager_user():
    user = UserFactory(is_staff=True)
    user.user_permissions.add(
        DjangoPermission.objects.get(codename=Permission.MANAGE_VENDORS.codename)
    )
    return user


def staff_of(vendor, role=VendorRole.OWNER):
    user = UserFactory()
    VendorStaff.objects.create(user=user, vendor=vendor, role=role)
    return user


def api_for(client, user) -> GraphQLClient:
    return GraphQLClient(client, create_access_token(user))


@pytest.fixture
def channel(db):
    return ChannelFactory()


@pytest.fixture
def vendor(db):
    return VendorFactory(name="伊山稻米合作社", commission_rate=Decimal("0.0500"))


@pytest.fixture
def other_vendor(db):
    return VendorFactory(name="杨集莲藕合作社", commission_rate=Decimal("0.0300"))


@pytest.fixture
def manager(db):
    return manager_user()
