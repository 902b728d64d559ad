"""The badge on the storefront (cards, product page), the 「品牌授权」 facet and the brand page
/brand/, on a small phone screen and without JavaScript."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from backend.brand import services
from backend.listings.models import CertificateKind
from tests.brand.conftest import certificate

pytestmark = pytest.mark.django_db


def html(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def card(page: str, slug: str) -> str:
    start = page.find(f'href="/p/{slug}/"')
    assert start >= 0, slug
    return page[start : page.find("</li>", start)]


def test_product_page_shows_the_badge_with_its_number_and_a_link_to_the_brand(client, world):
    licence = world.grant(world.rice)
    page = html(client, "/p/dongwangji-rice/")
    assert "伊山伊水 授权" in page
    assert f"授权编号 {licence.number}" in page
    assert 'href="/brand/"' in page
    assert "badge-brand" not in html(client, "/p/xiaoyi-lotus/")


def test_badge_carries_the_brand_logo(client, world):
    brand = world.shop.brand
    from tests.storefront.conftest import image_bytes

    brand.logo.save("logo.jpg", ContentFile(image_bytes(size=(64, 64))), save=True)
    world.grant(world.rice)
    page = html(client, "/p/dongwangji-rice/")
    assert 'class="brand-mark"' in page and brand.logo.url in page
    # The mark is decoration: the text says what it is.
    assert 'alt=""' in page[page.find("brand-mark") - 200 :][:400]


def test_listing_cards_and_facet(client, world):
    world.grant(world.rice)
    page = html(client, "/products/")
    assert "badge-brand" in card(page, "dongwangji-rice")
    assert "badge-brand" not in card(page, "xiaoyi-lotus")
    assert "伊山伊水 授权商品（1）" in page
    filtered = html(client, "/products/?licensed=1")
    assert 'href="/p/dongwangji-rice/"' in filtered
    assert 'href="/p/xiaoyi-lotus/"' not in filtered
    assert 'name="licensed" value="1" checked' in filtered


def test_facet_is_hidden_when_nothing_is_licensed_and_bad_values_are_ignored(client, world):
    page = html(client, "/products/")
    assert 'name="licensed"' not in page
    everything = html(client, "/products/?licensed=yes")
    assert 'href="/p/xiaoyi-lotus/"' in everything


def test_revoked_licence_leaves_the_pages_at_once(
    client, world, django_capture_on_commit_callbacks, eager_celery
):
    licence = world.grant(world.rice)
    assert "badge-brand" in html(client, "/p/dongwangji-rice/")
    assert "badge-brand" in card(html(client, "/products/"), "dongwangji-rice")
    # Saving the licence bumps the catalog version once the decision commits.
    with django_capture_on_commit_callbacks(execute=True):
        services.revoke_licence(actor=world.manager, licence=licence, reason="包装不合格")
    assert "badge-brand" not in html(client, "/p/dongwangji-rice/")
    assert "badge-brand" not in card(html(client, "/products/"), "dongwangji-rice")


def test_brand_page(client, world):
    brand = world.shop.brand
    brand.quality_standards = "产地在灌云县境内。"
    brand.packaging_rules = "品牌标识印在包装正面左上角。"
    brand.standards_document.save("standards.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=True)
    world.grant(world.rice)
    page = html(client, "/brand/")
    assert "<h1>伊山伊水</h1>" in page
    assert "产地在灌云县境内。" in page and "品牌标识印在包装正面左上角。" in page
    assert brand.standards_document.url in page
    assert 'href="/p/dongwangji-rice/"' in page
    assert 'href="/p/xiaoyi-lotus/"' not in page
    assert 'href="/products/?licensed=1"' in page
    assert "<script" not in page


def test_brand_page_without_licensed_products(client, world):
    assert "暂无授权商品" in html(client, "/brand/")


def test_listing_sql_does_not_grow_with_licensed_cards(client, world):
    products = [world.rice, world.lotus, world.other]
    for index in range(7):
        product = world.shop.add_product(
            f"授权商品{index}", slug=f"licensed-{index}", vendor=world.market.vendor
        )
        certificate(product, CertificateKind.INSPECTION_REPORT)
        products.append(product)

    def statements(licensed: int) -> int:
        for product in products[:licensed]:
            if not product.brand_licences.exists():
                world.grant(product)
        from backend.catalog.cache import bump_catalog_version

        bump_catalog_version()
        with CaptureQueriesContext(connection) as queries:
            page = html(client, "/products/")
        assert page.count("badge-brand") == licensed
        return len(queries)

    assert statements(2) == statements(8)
