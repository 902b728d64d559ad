"""Fixtures of the poverty-zone tests: a weak village with three registered households, a
vendor with an owner, products listed in a channel, county zone staff and a brand manager.
Orders are paid through the real payment service (`mark_order_paid`), so the ledger is written
by the same hook as in production."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission as DjangoPermission
from django.utils import timezone

from backend.poverty import services
from backend.poverty.models import Certification, Mechanism
from backend.vendors.models import VendorRole, VendorStaff
from tests.factories import (
    ChannelFactory,
    OrderFactory,
    OrderLineFactory,
    ProductFactory,
    UserFactory,
    VendorFactory,
    VillageFactory,
    WarehouseFactory,
    list_product,
)

# Valid resident identity numbers (check digits computed per GB 11643), fictional people.
ID_NUMBERS = ("110101199003074477", "320723198501012012", "320723197212120039")


def in_days(days: float) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(days=days)


def poverty_staff():
    user = UserFactory(is_staff=True)
    user.user_permissions.add(
        DjangoPermission.objects.get(codename="manage_poverty", content_type__app_label="poverty")
    )
    return user


@dataclass
class Zone:
    channel: object
    warehouse: object
    staff: object
    owner: object
    vendor: object
    other_vendor: object
    village: object
    other_village: object
    households: list
    rice: object
    rice_variant: object
    noodles: object
    noodles_variant: object

    def certify(
        self,
        product,
        mechanism=Mechanism.PURCHASE,
        *,
        households=None,
        until=None,
        start=None,
        **terms,
    ) -> Certification:
        if mechanism == Mechanism.PURCHASE:
            terms.setdefault("price_per_kg", Decimal("4.00"))
            terms.setdefault("kg_per_unit", Decimal("2.5"))
        elif mechanism == Mechanism.EMPLOYMENT:
            terms.setdefault("wage_per_unit", Decimal("1.50"))
        else:
            terms.setdefault("share_percent", Decimal("10"))
        if households is None and terms.get("share_recipient") != "village":
            households = [
                (h.reference_number, w) for h, w in zip(self.households, (1, 1, 1), strict=True)
            ]
        certification = services.apply_for_certification(
            actor=self.owner,
            product=product,
            mechanism=mechanism,
            households=households or [],
            description="收购低收入户稻谷",
            **terms,
        )
        return services.approve_certification(
            actor=self.staff,
            certification=certification,
            valid_from=start,
            valid_until=until or in_days(365),
        )

    def unpaid_order(self, lines, *, user=None, **fields):
        """An order of (variant, quantity) lines at the variants' channel prices."""
        # A phone no vendor staff has: the owner's number would (rightly) exclude the order.
        fields.setdefault("user_phone", getattr(user, "phone", None) or "13700000000")
        order = OrderFactory(channel=self.channel, user=user, **fields)
        total = Decimal(0)
        for index, (variant, quantity) in enumerate(lines):
            price = variant.channel_listings.get(channel=self.channel).price_amount
            line = OrderLineFactory(
                order=order,
                variant=variant,
                quantity=quantity,
                unit_price_gross_amount=price,
                vendor=variant.product.vendor,
                sort_order=index,
            )
            total += line.total_price_gross_amount
        order.subtotal_gross_amount = order.total_gross_amount = total
        order.subtotal_net_amount = order.total_net_amount = total
        order.save()
        return order

    def paid_order(self, lines, *, user=None, **fields):
        from backend.payment.services import mark_order_paid

        order = self.unpaid_order(lines, user=user, **fields)
        mark_order_paid(order, user=self.staff)
        order.refresh_from_db()
        return order


@pytest.fixture
def zone(db) -> Zone:
    channel = ChannelFactory()
    warehouse = WarehouseFactory(channels=[channel])
    vendor = VendorFactory()
    owner = UserFactory(phone="13900000001")
    VendorStaff.objects.create(vendor=vendor, user=owner, role=VendorRole.OWNER)
    village = VillageFactory(is_economically_weak=True, name="薄弱村")
    other_village = VillageFactory(is_economically_weak=True, name="另一薄弱村")
    staff = poverty_staff()
    households = [
        services.save_household(
            actor=staff,
            reference_number=f"GY-{index:04d}",
            village=village if index < 2 else other_village,
            head_name=name,
            members=members,
            id_number=ID_NUMBERS[index],
            phone=f"1380000{index:04d}",
            is_fictional=True,
        )
        for index, (name, members) in enumerate((("张一", 3), ("李二", 2), ("王三", 4)))
    ]
    rice = ProductFactory(vendor=vendor, name="东王集大米")
    (rice_variant,) = list_product(
        rice, channel, prices=(Decimal("30.00"),), warehouse=warehouse, stock=1000
    )
    noodles = ProductFactory(vendor=vendor, name="南岗粉丝")
    (noodles_variant,) = list_product(
        noodles, channel, prices=(Decimal("12.80"),), warehouse=warehouse, stock=1000
    )
    return Zone(
        channel=channel,
        warehouse=warehouse,
        staff=staff,
        owner=owner,
        vendor=vendor,
        other_vendor=VendorFactory(),
        village=village,
        other_village=other_village,
        households=households,
        rice=rice,
        rice_variant=rice_variant,
        noodles=noodles,
        noodles_variant=noodles_variant,
    )
