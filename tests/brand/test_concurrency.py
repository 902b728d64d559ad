"""Parallel licence requests and decisions: one open licence per product, numbers never
repeat, and two managers deciding the same request at once give one decision. Real PostgreSQL,
real threads with their own connections."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from backend.brand import services
from backend.brand.models import BrandLicence, LicenceEvent, LicenceStatus
from backend.listings.models import CertificateKind
from tests.brand.conftest import certificate, in_days
from tests.checkout.test_concurrency import run_in_parallel

pytestmark = pytest.mark.django_db(transaction=True)


def attempt(call):
    def run():
        try:
            return call()
        except ValidationError as error:
            return error

    return run


def test_parallel_requests_for_one_product_open_one_licence(world):
    results = run_in_parallel(
        [
            attempt(lambda: services.request_licence(actor=world.market.owner, product=world.rice))
            for _ in range(6)
        ]
    )
    opened = [r for r in results if isinstance(r, BrandLicence)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(opened) == 1 and len(refused) == 5
    assert {e.error_dict["product"][0].code for e in refused} == {"LICENCE_EXISTS"}
    assert BrandLicence.objects.count() == 1


def test_parallel_requests_for_many_products_take_distinct_numbers(world):
    products = []
    for index in range(8):
        product = world.shop.add_product(
            f"并发商品{index}", slug=f"parallel-{index}", vendor=world.market.vendor
        )
        certificate(product, CertificateKind.INSPECTION_REPORT)
        products.append(product)
    results = run_in_parallel(
        [
            attempt(
                lambda product=product: services.request_licence(
                    actor=world.market.owner, product=product
                )
            )
            for product in products
        ]
    )
    assert all(isinstance(r, BrandLicence) for r in results), results
    numbers = sorted(BrandLicence.objects.values_list("number", flat=True))
    assert len(set(numbers)) == 8
    assert [int(n.rsplit("-", 1)[1]) for n in numbers] == list(range(1, 9))


def test_two_managers_deciding_one_request_at_once_give_one_decision(world, eager_celery):
    requested = services.request_licence(actor=world.market.owner, product=world.rice)
    results = run_in_parallel(
        [
            attempt(
                lambda: services.grant_licence(
                    actor=world.manager, licence=requested, valid_until=in_days(30)
                )
            ),
            attempt(
                lambda: services.reject_licence(
                    actor=world.manager, licence=requested, reason="包装不合规"
                )
            ),
        ]
    )
    decided = [r for r in results if isinstance(r, BrandLicence)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(decided) == 1 and len(refused) == 1
    requested.refresh_from_db()
    assert requested.status in (LicenceStatus.ACTIVE, LicenceStatus.REJECTED)
    assert LicenceEvent.objects.filter(licence=requested).count() == 2  # requested + one
