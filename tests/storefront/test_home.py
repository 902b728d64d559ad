"""The home page: the county brand, banners and featured collections, the zone and tourism
entries, best-selling and new products; served from a cached fragment."""

from decimal import Decimal

import pytest

from backend.catalog.cache import bump_catalog_version
from backend.catalog.models import (
    Category,
    ProductChannelListing,
    ProductType,
    ProductTypeKind,
)
from backend.divisions.models import Town, Village
from tests.factories import ProductFactory, list_product, order_with_lines

pytestmark = pytest.mark.django_db


def test_home_shows_brand_and_published_products_only(client, shop):
    shop.add_product("东王集大米", slug="rice-1", prices=(Decimal("39.90"), Decimal("69.00")))
    draft = shop.add_product("未发布酱油", slug="draft")
    ProductChannelListing.objects.filter(product=draft).update(is_published=False)

    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "伊山伊水" in html and "伊山伊水 · 灌云好物" in html
    assert "东王集大米" in html and "¥39.90" in html
    assert "未发布酱油" not in html
    assert '<link rel="canonical" href="http://testserver/">' in html


def test_home_without_any_data_still_renders(client, db):
    response = client.get("/")
    assert response.status_code == 200
    assert "商品正在上架中" in response.content.decode()


def test_best_sellers_are_ranked_by_order_lines(client, shop):
    quiet = shop.add_product("冷门商品", slug="quiet")
    popular = shop.add_product("热门商品", slug="popular")
    order_with_lines(channel=shop.channel, lines=[(popular.variants.first(), 1)])
    order_with_lines(channel=shop.channel, lines=[(popular.variants.first(), 1)])
    order_with_lines(channel=shop.channel, lines=[(quiet.variants.first(), 1)])

    html = client.get("/").content.decode()
    best = html.split('id="best-sellers"')[1].split('id="new-products"')[0]
    assert best.index("热门商品") < best.index("冷门商品")


def test_best_sellers_fall_back_to_newest_without_orders(client, shop):
    shop.add_product("新上架的藕", slug="lotus")
    html = client.get("/").content.decode()
    best = html.split('id="best-sellers"')[1].split('id="new-products"')[0]
    assert "新上架的藕" in best


def test_entry_tiles_link_to_tourism_category_and_weak_village_towns(client, shop):
    tourism = Category.objects.create(name="文旅票券", slug="tourism-tickets")
    tickets = Category.objects.create(name="景区门票", slug="scenic-tickets", parent=tourism)
    voucher_type = ProductType.objects.create(
        name="门票", slug="ticket", kind=ProductTypeKind.TOURISM_VOUCHER
    )
    ticket = ProductFactory(name="大伊山门票", product_type=voucher_type, category=tickets)
    list_product(ticket, shop.channel)
    town = Town.objects.create(code="320723102", name="燕尾港镇")
    Village.objects.create(
        code="320723102202", name="埒子口村", town=town, is_economically_weak=True
    )

    html = client.get("/").content.decode()
    assert 'href="/c/tourism-tickets/"' in html
    # The 助农专区 tile leads to the poverty-alleviation zone (issue #12); the weak villages'
    # towns remain an origin filter of the listing.
    assert 'href="/poverty-zone/"' in html
    zone = client.get("/products/", {"origin": "燕尾港镇"})
    assert zone.status_code == 200


def test_featured_collection_is_shown_with_its_products(client, collection):
    html = client.get("/").content.decode()
    assert 'href="/collections/geographical-indications/"' in html
    assert "地理标志好物" in html


def test_home_query_count_does_not_grow_with_products(client, shop, django_assert_max_num_queries):
    for index in range(3):
        shop.add_product(f"商品{index}", slug=f"few-{index}")
    with django_assert_max_num_queries(40) as few:
        client.get("/")
    bump_catalog_version()  # a fresh fragment, as after a catalog change
    for index in range(12):
        shop.add_product(f"更多商品{index}", slug=f"many-{index}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/")


def test_second_home_request_is_served_from_cache_without_sql(
    client, shop, django_assert_num_queries
):
    shop.add_product("东王集大米", slug="rice-1")
    client.get("/")
    with django_assert_num_queries(0):
        response = client.get("/")
    assert "东王集大米" in response.content.decode()
