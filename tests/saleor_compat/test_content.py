"""The Saleor storefront's content operations: pages from catalog_seed/pages, menus built
from the seeded catalogue."""

from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.django_db


def test_page_by_slug_answers_the_delivery_page_as_editorjs(saleor):
    page = saleor("PageGetBySlug", slug="delivery-returns", languageCode="ZH_HANS")["page"]
    assert page["title"] == "配送与退换"
    assert page["seoDescription"].startswith("县域三级物流网络配送")
    blocks = json.loads(page["content"])["blocks"]
    assert blocks[0] == {"type": "header", "data": {"text": "配送方式", "level": 2}}
    assert blocks[1]["type"] == "paragraph"
    assert page["translation"]["title"] == "配送与退换"
    assert page["slugEN"] is None
    assert saleor("PageGetBySlug", slug="no-such-page", languageCode="EN")["page"] is None


def test_content_pages_by_slug(saleor):
    pages = saleor(
        "StorefrontContentPages",
        channel="guanyun",
        slugs=["delivery-returns", "missing"],
        languageCode="ZH_HANS",
    )["pages"]["edges"]
    assert [edge["node"]["slug"] for edge in pages] == ["delivery-returns"]
    node = pages[0]["node"]
    assert node["isPublished"] is True and node["assignedAttributes"] == []


def test_navbar_lists_top_categories_with_children_then_collections(saleor):
    menu = saleor("MenuGetBySlug", slug="navbar", channel="guanyun", languageCode="ZH_HANS")
    items = menu["menu"]["items"]
    categories = [item for item in items if item["category"]]
    collections = [item for item in items if item["collection"]]
    assert "grain-oil" in [item["category"]["slug"] for item in categories]
    grain = next(item for item in categories if item["category"]["slug"] == "grain-oil")
    assert grain["level"] == 0
    assert "rice" in [child["category"]["slug"] for child in grain["children"]]
    assert all(child["level"] == 1 for child in grain["children"])
    assert "geographical-indications" in [item["collection"]["slug"] for item in collections]
    assert grain["translation"]["name"] == grain["name"]
    assert items.index(categories[-1]) < items.index(collections[0])


def test_footer_lists_the_pages_and_unknown_menus_are_null(saleor):
    footer = saleor("MenuGetBySlug", slug="footer", channel="guanyun", languageCode="EN")
    items = footer["menu"]["items"]
    assert [item["page"]["slug"] for item in items] == ["delivery-returns"]
    assert items[0]["translation"] is None
    missing = saleor("MenuGetBySlug", slug="sidebar", channel="guanyun", languageCode="EN")
    assert missing["menu"] is None
