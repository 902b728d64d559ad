"""Fixtures of the brand licence tests: the storefront's small shop under the 伊山伊水 brand, two
vendors with owners and staff (tests/listings/conftest.py), a county reviewer, a brand manager
in the 品牌管理员 group, and products with and without valid certificates."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
from django.utils import timezone

from backend.brand.models import BrandLicence
from backend.brand.seed import brand_managers_group
from backend.listings.models import CertificateKind
from tests.factories import UserFactory
from tests.listings.conftest import certificate, market, sms  # noqa: F401  (fixtures)
from tests.storefront.conftest import shop  # noqa: F401  (a fixture used here)
from tests.vendors.conftest import eager_celery  # noqa: F401  (a fixture)

__all__ = ["certificate", "in_days"]


def in_days(days: float) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(days=days)


@dataclass
class BrandWorld:
    market: object
    manager: object
    rice: object  # 东王集大米: geographical indication, certificate valid
    lotus: object  # 小伊浅水藕: inspection report valid, no badge
    bare: object  # no certificate at all
    other: object  # the other vendor's product, certificate valid

    @property
    def shop(self):
        return self.market.shop

    def grant(self, product, *, until=None, start=None) -> BrandLicence:
        from backend.brand import services

        return services.grant_licence(
            actor=self.manager,
            product=product,
            valid_from=start,
            valid_until=until or in_days(365),
        )


def brand_manager():
    """A staff member in the 品牌管理员 group the seed creates."""
    user = UserFactory(is_staff=True, phone="+8613600000001")
    user.groups.add(brand_managers_group())
    return user


@pytest.fixture
def world(market) -> BrandWorld:  # noqa: F811
    store = market.shop
    store.brand.licence_prefix = "YSYS"
    store.brand.save()
    rice = store.add_product(
        "东王集大米",
        slug="dongwangji-rice",
        origin="东王集镇",
        certifications=("geographical-indication",),
        vendor=market.vendor,
    )
    certificate(rice, CertificateKind.GEOGRAPHICAL_INDICATION, number="GI-RICE")
    lotus = store.add_product("小伊浅水藕", slug="xiaoyi-lotus", vendor=market.vendor)
    certificate(lotus, CertificateKind.INSPECTION_REPORT, number="JC-LOTUS")
    bare = store.add_product("无证商品", slug="bare", vendor=market.vendor)
    other = store.add_product("双程酱油", slug="soy", vendor=market.other_vendor)
    certificate(other, CertificateKind.INSPECTION_REPORT, number="JC-SOY")
    return BrandWorld(
        market=market, manager=brand_manager(), rice=rice, lotus=lotus, bare=bare, other=other
    )
