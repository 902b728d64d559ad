"""Search results through the configured search backend, with the query highlighted (and
escaped) and a helpful empty state."""

import pytest

pytestmark = pytest.mark.django_db


def test_search_finds_products_and_highlights_the_query(client, shop):
    shop.add_product("东王集大米", slug="rice")
    shop.add_product("南岗粉丝", slug="vermicelli")
    response = client.get("/search/", {"q": "大米"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "东王集<mark>大米</mark>" in html
    assert "南岗粉丝" not in html
    assert "“大米”的搜索结果" in html
    assert '<meta name="robots" content="noindex">' in html


def test_search_query_is_escaped_everywhere(client, shop):
    shop.add_product("东王集大米", slug="rice")
    attack = '<script>alert("x")</script>'
    html = client.get("/search/", {"q": attack}).content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html


def test_highlight_escapes_a_malicious_product_name(client, shop):
    shop.add_product('大米<img src=x onerror="alert(1)">', slug="evil")
    html = client.get("/search/", {"q": "大米"}).content.decode()
    assert "<img src=x" not in html
    assert "<mark>大米</mark>&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in html


def test_no_results_shows_help_and_categories(client, shop):
    shop.add_product("东王集大米", slug="rice")
    html = client.get("/search/", {"q": "榴莲"}).content.decode()
    assert "没有找到与“榴莲”相关的商品。" in html
    assert "试试更短的关键词" in html
    assert 'href="/c/grain-oil/"' in html


def test_empty_query_asks_for_a_keyword(client, shop):
    html = client.get("/search/").content.decode()
    assert "请输入商品名称、产地或商家进行搜索。" in html


def test_search_results_can_be_filtered_and_keep_the_query(client, shop):
    shop.add_product("东王集大米", slug="a", origin="东王集镇")
    shop.add_product("燕尾港大米", slug="b", origin="燕尾港镇")
    response = client.get("/search/", {"q": "大米", "origin": "燕尾港镇"})
    assert [c.product.name for c in response.context["listing"].cards] == ["燕尾港大米"]
    assert '<input type="hidden" name="q" value="大米">' in response.content.decode()


def _index(*products) -> None:
    from backend.search.documents import refresh_documents

    refresh_documents([p.pk for p in products])


def _facet_links(response) -> dict[str, dict[str, tuple[int, str, bool]]]:
    """The facet groups of the page as the template got them: key → label → (count, url,
    selected)."""
    return {
        group.key: {link.label: (link.count, link.url, link.selected) for link in group.links}
        for group in response.context["search_facets"].groups
    }


@pytest.fixture
def rice_shop(shop):
    from decimal import Decimal

    from tests.factories import VendorFactory

    coop = VendorFactory(name="东王集稻米合作社", town="东王集镇")
    farm = VendorFactory(name="燕尾港农场", town="燕尾港镇")
    a = shop.add_product(
        "东王集大米",
        slug="a",
        origin="东王集镇",
        certifications=("geographical-indication",),
        vendor=coop,
        prices=(Decimal("12.80"),),
    )
    b = shop.add_product(
        "燕尾港大米",
        slug="b",
        origin="燕尾港镇",
        certifications=("geographical-indication", "green-food"),
        vendor=farm,
        prices=(Decimal("68.00"),),
    )
    c = shop.add_product(
        "东王集香米", slug="c", origin="东王集镇", vendor=coop, prices=(Decimal("25.00"),)
    )
    _index(a, b, c)
    return shop


def test_search_page_shows_facets_with_counts_from_the_graphql_selector(client, rice_shop):
    from backend.search.selectors import facets_for, search
    from backend.storefront.selectors import listed_products

    response = client.get("/search/", {"q": "米"})
    html = response.content.decode()
    facets = _facet_links(response)
    assert set(facets) >= {"category", "price_band", "origin_town", "certification", "vendor"}
    assert {k: v[0] for k, v in facets["origin_town"].items()} == {"东王集镇": 2, "燕尾港镇": 1}
    assert {k: v[0] for k, v in facets["certification"].items()} == {"地理标志": 2, "绿色食品": 1}
    assert {k: v[0] for k, v in facets["vendor"].items()} == {
        "东王集稻米合作社": 2,
        "燕尾港农场": 1,
    }
    assert {k: v[0] for k, v in facets["price_band"].items()} == {
        "20 元以下": 1,
        "20–50 元": 1,
        "50–100 元": 1,
    }
    # The same counts as GraphQL's productSearchFacets reads (selectors.facets_for).
    expected = facets_for(search(listed_products(rice_shop.channel), "米").products)
    assert [(t, n) for t, n in expected.origin_town] == [
        (k, v[0]) for k, v in facets["origin_town"].items()
    ]
    # Links, no script: each facet value is an <a> with its count, keeping the query.
    assert 'class="search-facets"' in html
    _count, url, selected = facets["origin_town"]["燕尾港镇"]
    assert not selected and url.startswith("/search/?q=%E7%B1%B3&")
    assert 'rel="nofollow">燕尾港镇 <span class="facet-count">1</span></a>' in html


def test_following_a_facet_link_narrows_results_and_marks_it_selected(client, rice_shop):
    first = _facet_links(client.get("/search/", {"q": "米"}))
    _count, url, _selected = first["origin_town"]["东王集镇"]
    response = client.get(url)
    names = sorted(c.product.name for c in response.context["listing"].cards)
    assert names == ["东王集大米", "东王集香米"]
    facets = _facet_links(response)
    assert facets["origin_town"]["东王集镇"][2] is True
    # Counts are of the narrowed results, and a second facet combines with the first.
    assert {k: v[0] for k, v in facets["certification"].items()} == {"地理标志": 1}
    narrowed = client.get(facets["certification"]["地理标志"][1])
    assert [c.product.name for c in narrowed.context["listing"].cards] == ["东王集大米"]
    # The selected link removes its value again; the filters form keeps the facets.
    back = client.get(facets["origin_town"]["东王集镇"][1])
    assert len(back.context["listing"].cards) == 3
    assert '<input type="hidden" name="ft" value="东王集镇">' in narrowed.content.decode()
    assert "清除全部条件" in narrowed.content.decode()


def test_price_band_vendor_and_category_facets_filter(client, rice_shop):
    facets = _facet_links(client.get("/search/", {"q": "米"}))
    cheap = client.get(facets["price_band"]["20 元以下"][1])
    assert [c.product.name for c in cheap.context["listing"].cards] == ["东王集大米"]
    farm = client.get(facets["vendor"]["燕尾港农场"][1])
    assert [c.product.name for c in farm.context["listing"].cards] == ["燕尾港大米"]
    category_label = next(iter(facets["category"]))
    by_category = client.get(facets["category"][category_label][1])
    assert by_category.status_code == 200
    assert len(by_category.context["listing"].cards) == facets["category"][category_label][0]


def test_malformed_facet_parameters_narrow_nothing(client, rice_shop):
    for params in (
        {"fc": "abc"},
        {"fp": "99"},
        {"fv": "1" * 40},
        {"ft": "\x00\x01"},
        {"fz": "maybe"},
    ):
        response = client.get("/search/", {"q": "米", **params})
        assert response.status_code == 200
        assert len(response.context["listing"].cards) == 3, params


def test_no_facets_without_a_query(client, shop):
    response = client.get("/search/")
    assert "search_facets" not in response.context
    assert 'class="search-facets"' not in response.content.decode()


def test_zone_facet_narrows_to_products_of_the_poverty_zone(client, rice_shop):
    from backend.search.models import SearchDocument

    assert "poverty_zone" not in _facet_links(client.get("/search/", {"q": "米"}))
    assert client.get("/search/", {"q": "米", "fz": "1"}).context["listing"].cards == []
    # The zone flag of a document comes from poverty certifications (backend/search/documents);
    # set directly here, as the storefront reads it. Documents are written only by the refresh,
    # which drops the kept search answers they touch (backend.search.answers); a direct write
    # must do the same, or the answer kept by the two searches above is served.
    from backend.search.answers import invalidate_products

    SearchDocument.objects.filter(product__slug="b").update(poverty_zone=True)
    invalidate_products(
        SearchDocument.objects.filter(product__slug="b").values_list("pk", flat=True)
    )
    facets = _facet_links(client.get("/search/", {"q": "米"}))
    assert facets["poverty_zone"] == {
        "扶贫专区商品": (1, facets["poverty_zone"]["扶贫专区商品"][1], False)
    }
    zone = client.get(facets["poverty_zone"]["扶贫专区商品"][1])
    assert [c.product.name for c in zone.context["listing"].cards] == ["燕尾港大米"]


def test_search_listing_reads_attribute_filters_and_count_from_the_facet_statement(
    client, rice_shop, monkeypatch
):
    """The listing's attribute filters, its page count, the brand-licensed count and, in
    relevance order, which products are on the requested page all come from the search's
    facet statement: the same values the per-value query finds over the same products, the
    same count, the same page as ranking every match, and no COUNT that runs the search."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from backend.brand.selectors import licensed_condition
    from backend.search.selectors import search
    from backend.storefront import views
    from backend.storefront.filters import facet_values
    from backend.storefront.selectors import listed_products

    monkeypatch.setattr(views, "PAGE_SIZE", 2)  # three rice products: pages of 2 and 1
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/search/", {"q": "米"})
    listing = response.context["listing"]
    found = search(listed_products(rice_shop.channel), "米").products

    def named(facets):
        return {f.attribute.slug: [v.value.slug for v in f.values] for f in facets}

    assert named(listing.facets) == named(facet_values(found))
    assert {"origin", "certification"} <= set(named(listing.facets))
    assert listing.page.paginator.count == found.count() == 3
    assert listing.brand_licensed_count == found.filter(licensed_condition()).count()
    statements = [q["sql"] for q in queries.captured_queries]
    assert not [sql for sql in statements if sql.startswith("SELECT COUNT") and "@@" in sql]
    ranked = list(found.order_by("-search_rank", "name", "pk").values_list("name", flat=True))
    assert [c.product.name for c in listing.cards] == ranked[:2]
    # Those two, by id: the page's own query ranks two products, not every match.
    assert '"catalog_product"."id" IN (' in str(listing.page.object_list.query)
    second = client.get("/search/", {"q": "米", "page": "2"}).context["listing"]
    assert [c.product.name for c in second.cards] == ranked[2:]
    # Past the last page the paginator shows the last one (not the window the statement
    # named), and another order ranks nothing in the statement: both read the products.
    beyond = client.get("/search/", {"q": "米", "page": "9"}).context["listing"]
    assert [c.product.name for c in beyond.cards] == ranked[2:]
    by_price = client.get("/search/", {"q": "米", "sort": "price"}).context["listing"]
    assert [c.product.name for c in by_price.cards] == ["东王集大米", "东王集香米"]
    assert '"catalog_product"."id" IN (' not in str(by_price.page.object_list.query)

    narrowed = client.get("/search/", {"q": "米", "origin": "燕尾港镇"})
    assert narrowed.context["listing"].page.paginator.count == 1
    assert [c.product.name for c in narrowed.context["listing"].cards] == ["燕尾港大米"]


def test_a_variant_attribute_value_reaches_the_search_filters_through_the_refresh(
    client, rice_shop, django_capture_on_commit_callbacks
):
    """The search's attribute filters are read from the matched documents, which carry the
    values of the product's variants too: assigning one enqueues the product's refresh, and
    once the document is written the filter is offered."""
    from backend.catalog.models import (
        AssignedVariantAttributeValue,
        Attribute,
        AttributeValue,
    )
    from backend.search.documents import refresh_documents
    from backend.search.models import PendingRefresh, SearchDocument

    pack = Attribute.objects.create(name="包装", slug="pack")
    bag = AttributeValue.objects.create(attribute=pack, name="袋装", slug="bag")
    product = rice_shop.products["b"]
    PendingRefresh.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        AssignedVariantAttributeValue.objects.create(variant=product.variants.first(), value=bag)
    assert PendingRefresh.objects.filter(product_id=product.pk).exists()
    refresh_documents([product.pk])
    assert bag.pk in SearchDocument.objects.get(product=product).attribute_values
    listing = client.get("/search/", {"q": "米"}).context["listing"]
    offered = {f.attribute.slug: [v.value.slug for v in f.values] for f in listing.facets}
    assert offered["pack"] == ["bag"]
    narrowed = client.get("/search/", {"q": "米", "pack": "bag"}).context["listing"]
    assert [c.product.name for c in narrowed.cards] == ["燕尾港大米"]
