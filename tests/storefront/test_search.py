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
