"""Category, collection and all-products listings: filters and sorting in the query string,
pagination that keeps them, errors shown in Chinese, and a fixed number of queries."""

from decimal import Decimal

import pytest
from django.urls import reverse

from backend.catalog.models import CollectionChannelListing, ProductChannelListing
from backend.inventory.models import Stock
from backend.storefront import views

pytestmark = pytest.mark.django_db


def names(response) -> list[str]:
    return [card.product.name for card in response.context["listing"].cards]


def test_category_lists_its_own_and_its_subcategories_products(client, shop):
    shop.add_product("东王集大米", slug="a")
    shop.add_product("沂河淌面粉", slug="b", category=shop.grain)
    response = client.get("/c/grain-oil/")
    assert response.status_code == 200
    assert sorted(names(response)) == ["东王集大米", "沂河淌面粉"]
    html = response.content.decode()
    assert "<h1>粮油米面</h1>" in html
    assert 'href="/c/rice/"' in html  # the subcategory chip


def test_unknown_category_is_not_found(client, shop):
    assert client.get("/c/nothing/").status_code == 404


def test_hidden_products_are_not_listed(client, shop):
    shop.add_product("上架", slug="shown")
    hidden = shop.add_product("不在列表", slug="hidden")
    ProductChannelListing.objects.filter(product=hidden).update(visible_in_listings=False)
    assert names(client.get("/c/rice/")) == ["上架"]


def test_price_filter_and_sorting(client, shop):
    shop.add_product("便宜", slug="cheap", prices=(Decimal("9.90"),))
    shop.add_product("中等", slug="middle", prices=(Decimal("29.90"),))
    shop.add_product("贵", slug="dear", prices=(Decimal("99.00"),))
    response = client.get("/c/rice/", {"price_min": "10", "price_max": "100", "sort": "-price"})
    assert names(response) == ["贵", "中等"]
    assert names(client.get("/c/rice/", {"sort": "price"})) == ["便宜", "中等", "贵"]
    html = response.content.decode()
    assert 'value="10"' in html and 'value="100"' in html
    assert '<option value="-price" selected>' in html


def test_newest_sort(client, shop):
    shop.add_product("先上架", slug="older")
    shop.add_product("后上架", slug="newer")
    assert names(client.get("/c/rice/", {"sort": "newest"})) == ["后上架", "先上架"]


def test_attribute_filters_offer_the_values_present_and_filter_by_them(client, shop):
    shop.add_product("东王集大米", slug="a", origin="东王集镇", certifications=("green-food",))
    shop.add_product("燕尾港紫菜", slug="b", origin="燕尾港镇")
    response = client.get("/c/rice/", {"origin": "燕尾港镇"})
    assert names(response) == ["燕尾港紫菜"]
    facets = {f.attribute.slug: f for f in response.context["listing"].facets}
    assert {v.value.name for v in facets["origin"].values} == {"东王集镇", "燕尾港镇"}
    assert [v.value.slug for v in facets["certification"].values] == ["green-food"]
    assert [v.value.name for v in facets["origin"].values if v.selected] == ["燕尾港镇"]
    both = client.get("/c/rice/?origin=燕尾港镇&origin=东王集镇")
    assert sorted(names(both)) == ["东王集大米", "燕尾港紫菜"]
    certified = client.get("/c/rice/", {"certification": "green-food"})
    assert names(certified) == ["东王集大米"]


def test_in_stock_filter(client, shop):
    shop.add_product("有货", slug="in")
    gone = shop.add_product("缺货", slug="out")
    Stock.objects.filter(product_variant__product=gone).update(quantity=0)
    assert names(client.get("/c/rice/", {"in_stock": "1"})) == ["有货"]
    assert sorted(names(client.get("/c/rice/"))) == ["有货", "缺货"]


def test_bad_price_shows_a_chinese_error_and_ignores_the_bound(client, shop):
    shop.add_product("东王集大米", slug="a")
    response = client.get("/c/rice/", {"price_min": "abc", "price_max": "-5"})
    assert response.status_code == 200
    assert "价格请填写 0 到 1000000 之间的数字。" in response.content.decode()
    assert names(response) == ["东王集大米"]


def test_pagination_keeps_filters_in_the_url(client, shop, monkeypatch):
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    for index in range(5):
        shop.add_product(f"大米{index}", slug=f"rice-{index}", origin="东王集镇")
    shop.add_product("别处的米", slug="elsewhere", origin="燕尾港镇")
    first = client.get("/c/rice/", {"origin": "东王集镇", "sort": "name"})
    html = first.content.decode()
    assert "第 1 / 3 页" in html
    next_link = "?origin=%E4%B8%9C%E7%8E%8B%E9%9B%86%E9%95%87&amp;sort=name&amp;page=2"
    assert f'href="{next_link}"' in html
    third = client.get("/c/rice/", {"origin": "东王集镇", "sort": "name", "page": "3"})
    assert names(third) == ["大米4"]
    assert '<link rel="canonical" href="http://testserver/c/rice/?page=3">' in (
        third.content.decode()
    )
    # A page number out of range shows the last page, not an error.
    assert names(client.get("/c/rice/", {"origin": "东王集镇", "page": "99"})) == ["大米4"]


def test_collection_page_lists_its_products(client, collection):
    response = client.get(reverse("storefront:collection", args=[collection.slug]))
    assert response.status_code == 200
    assert names(response) == ["东王集大米"]


def test_unpublished_collection_is_not_found(client, collection):
    CollectionChannelListing.objects.filter(collection=collection).update(is_published=False)
    assert client.get(f"/collections/{collection.slug}/").status_code == 404


def test_all_products_listing(client, shop):
    shop.add_product("东王集大米", slug="a")
    shop.add_product("沂河淌面粉", slug="b", category=shop.grain)
    assert sorted(names(client.get("/products/"))) == ["东王集大米", "沂河淌面粉"]


def test_listing_query_count_does_not_grow_with_page_size(
    client, shop, django_assert_max_num_queries
):
    for index in range(2):
        shop.add_product(f"少{index}", slug=f"few-{index}", origin="东王集镇")
    with django_assert_max_num_queries(30) as few:
        response = client.get("/c/grain-oil/", {"origin": "东王集镇", "sort": "price"})
    assert len(names(response)) == 2
    for index in range(10):
        shop.add_product(f"多{index}", slug=f"many-{index}", origin="东王集镇")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get("/c/grain-oil/", {"origin": "东王集镇", "sort": "price", "page": "1"})
    assert len(names(response)) == 12
