"""Fixtures of the traceability tests: the listing tests' small market (two vendors, owners,
staff, a reviewer; tests/listings/conftest.py), an inspector in the 质量监管员 group, a brand
manager, an approved and brand-licensed product of the first vendor with stock, its base, and
helpers to record batches and orders."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
from django.utils import timezone

from backend.core.permissions import Permission
from backend.listings.models import CertificateKind
from backend.trace import services
from tests.brand.conftest import brand_manager
from tests.factories import order_with_lines
from tests.graphql.conftest import staff_with
from tests.listings.conftest import certificate, market, sms  # noqa: F401  (fixtures)
from tests.storefront.conftest import shop  # noqa: F401  (a fixture used here)
from tests.vendors.conftest import eager_celery  # noqa: F401  (a fixture)


def days_ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


@dataclass
class TraceWorld:
    market: object
    inspector: object
    manager: object
    product: object
    variant: object
    base: object

    @property
    def owner(self):
        return self.market.owner

    def batch(
        self, lot: str, *, quantity: int = 10, packed_days_ago: int = 10, shelf: int = 365, **kw
    ):
        return services.create_batch(
            actor=kw.pop("actor", self.owner),
            variant=kw.pop("variant", self.variant),
            base=kw.pop("base", self.base),
            lot_number=lot,
            quantity=quantity,
            planted_on=kw.pop("planted_on", days_ago(packed_days_ago + 120)),
            harvested_on=kw.pop("harvested_on", days_ago(packed_days_ago + 5)),
            packed_on=days_ago(packed_days_ago),
            shelf_life_days=shelf,
            **kw,
        )

    def order(self, quantity: int, **fields):
        return order_with_lines(
            channel=self.market.shop.channel, lines=[(self.variant, quantity)], **fields
        )


@pytest.fixture
def inspector(db):
    return staff_with(Permission.MANAGE_TRACEABILITY, group_name="质量监管员")


@pytest.fixture
def trace_world(market, inspector) -> TraceWorld:  # noqa: F811
    from backend.brand import services as brand_services

    product = market.approved(name="东王集大米")
    certificate(product, CertificateKind.INSPECTION_REPORT, number="JC-RICE")
    manager = brand_manager()
    brand = market.shop.brand
    brand.licence_prefix = "YSYS"
    brand.save()
    brand_services.grant_licence(
        actor=manager,
        product=product,
        valid_from=None,
        valid_until=timezone.now() + datetime.timedelta(days=365),
    )
    base = services.create_base(
        actor=market.owner,
        name="东王集万亩稻田",
        town="东王集镇",
        village="稻香村",
        latitude="34.2891",
        longitude="119.2462",
        area_mu="1200",
    )
    variant = product.variants.get()
    return TraceWorld(
        market=market,
        inspector=inspector,
        manager=manager,
        product=product,
        variant=variant,
        base=base,
    )
