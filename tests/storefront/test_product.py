"""The product page: gallery from thumbnails, pack sizes with prices and stock, badges, vendor,
a safely rendered description, the add-to-cart form and schema.org JSON-LD."""

import json
import re
from decimal import Decimal

import pytest

from backend.catalog.models import ProductChannelListing
from backend.inventory.models import Stock
from tests.storefront.conftest import add_image

pytestmark = pytest.mark.django_db


def json_ld(html: str) -> dict:
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert match, "no JSON-LD block"
    return json.loads(match.group(1))


def test_product_page_shows_pack_sizes_prices_badges_and_vendor(client, rice):
    response = client.get("/p/dongwangji-rice/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>东王集大米</h1>" in html
    assert "2.5kg 袋装" in html and "5kg 袋装" in html
    assert '<span class="price">¥12.80</span>' in html
    assert "¥15.00</del>" in html  # the prior price, struck through
    assert "¥56.80" in html
    assert "产地 · 东王集镇" in html
    assert "地理标志" in html and "绿色食品" in html
    assert "东王集稻米合作社" in html
    assert "<title>东王集大米 · 伊山伊水 · 灌云县</title>" in html
    assert '<meta name="description" content="沂河冲积平原的粳米。' in html
    assert '<link rel="canonical" href="http://testserver/p/dongwangji-rice/">' in html


def test_add_to_cart_form_posts_with_csrf_and_the_first_available_pack(client, rice):
    html = client.get("/p/dongwangji-rice/").content.decode()
    form = html.split('<form class="add-to-cart"')[1].split("</form>")[0]
    assert 'method="post" action="/cart/add/"' in form
    assert 'name="csrfmiddlewaretoken"' in form
    first, _second = rice.variants.order_by("pk")
    assert f'value="{first.pk}" checked' in form
    assert 'name="quantity" value="1" min="1"' in form


def test_stock_states(client, rice):
    first, second = rice.variants.order_by("pk")
    Stock.objects.filter(product_variant=first).update(quantity=0)
    Stock.objects.filter(product_variant=second).update(quantity=3)
    html = client.get("/p/dongwangji-rice/").content.decode()
    assert "已售罄" in html and "仅剩 3 件" in html
    assert f'value="{first.pk}" disabled' in html
    assert f'value="{second.pk}" checked' in html


def test_sold_out_product_has_no_add_button(client, rice):
    Stock.objects.filter(product_variant__product=rice).update(quantity=0)
    html = client.get("/p/dongwangji-rice/").content.decode()
    assert "暂时缺货" in html
    assert "加入购物车</button>" not in html
    assert json_ld(html)["offers"][0]["availability"] == "https://schema.org/OutOfStock"


def test_description_is_rendered_from_editorjs_without_markup(client, rice):
    rice.description = {
        "blocks": [
            {"type": "paragraph", "data": {"text": "好米<script>alert(1)</script><b>香</b>"}},
            {"type": "header", "data": {"text": "<img src=x onerror=alert(1)>产地", "level": 2}},
            {"type": "list", "data": {"style": "ordered", "items": [{"content": "<i>一</i>"}]}},
        ]
    }
    rice.save()
    html = client.get("/p/dongwangji-rice/").content.decode()
    assert "<p>好米alert(1)香</p>" in html
    assert "<h3>产地</h3>" in html
    assert "<ol><li>一</li></ol>" in html
    assert "<script>alert" not in html and "onerror" not in html


def test_plain_text_description_is_used_without_blocks(client, rice):
    rice.description = {}
    rice.description_plaintext = "第一段<b>\n\n第二段"
    rice.save()
    html = client.get("/p/dongwangji-rice/").content.decode()
    assert "<p>第一段&lt;b&gt;</p>" in html and "<p>第二段</p>" in html


def test_json_ld_is_valid_and_carries_price_and_availability(client, rice):
    data = json_ld(client.get("/p/dongwangji-rice/").content.decode())
    assert data["@type"] == "Product"
    assert data["name"] == "东王集大米"
    assert data["brand"] == {"@type": "Brand", "name": "东王集稻米合作社"}
    offers = {offer["price"]: offer for offer in data["offers"]}
    assert set(offers) == {"12.80", "56.80"}
    assert offers["12.80"]["priceCurrency"] == "CNY"
    assert offers["12.80"]["availability"] == "https://schema.org/InStock"


def test_malicious_product_name_is_escaped_in_html_and_json_ld(client, shop):
    name = '</script><script>alert("x")</script>'
    shop.add_product(name, slug="evil")
    html = client.get("/p/evil/").content.decode()
    assert '<script>alert("x")' not in html
    assert "&lt;/script&gt;&lt;script&gt;alert(&quot;x&quot;)" in html
    assert json_ld(html)["name"] == name  # escaped as \u003C… inside the data block


def test_gallery_uses_webp_srcset_dimensions_and_lazy_loading(client, rice):
    add_image(rice, alt="东王集大米正面", sort_order=0)
    add_image(rice, alt="东王集大米包装", sort_order=1)
    html = client.get("/p/dongwangji-rice/").content.decode()
    gallery = html.split('class="gallery-strip"')[1].split("</ul>")[0]
    sources = re.findall(r'<source type="image/webp" srcset="([^"]+)"', gallery)
    assert len(sources) == 2 and "256w" in sources[0] and ".webp" in sources[0]
    images = re.findall(r"<img [^>]+>", gallery)
    assert 'alt="东王集大米正面"' in images[0] and 'loading="eager"' in images[0]
    assert 'loading="lazy"' in images[1]
    assert 'width="512"' in images[0] or 'width="600"' in images[0]
    assert "height=" in images[0]
    assert json_ld(html)["image"][0].startswith("http://testserver/media/")


def test_listing_cards_load_images_below_the_fold_lazily(client, shop):
    for index in range(6):
        add_image(shop.add_product(f"大米{index}", slug=f"rice-{index}"))
    html = client.get("/c/rice/").content.decode()
    loading = re.findall(r'loading="(eager|lazy)"', html)
    assert loading == ["eager"] * 4 + ["lazy"] * 2


def test_unpublished_or_unknown_product_is_not_found(client, rice):
    assert client.get("/p/nothing/").status_code == 404
    ProductChannelListing.objects.filter(product=rice).update(is_published=False)
    assert client.get("/p/dongwangji-rice/").status_code == 404


def test_product_hidden_from_listings_still_has_its_page(client, rice):
    ProductChannelListing.objects.filter(product=rice).update(visible_in_listings=False)
    assert client.get("/p/dongwangji-rice/").status_code == 200


def test_product_page_query_count_does_not_grow_with_images_and_packs(
    client, shop, django_assert_max_num_queries
):
    small = shop.add_product("小", slug="small", prices=(Decimal("1.00"),))
    add_image(small)
    # A cold product page runs a fixed set of statements whatever the number of images and
    # packs (counted with CaptureQueriesContext, December 2026): the brand profile; the
    # schedule boundaries for the page cache (brand licence windows, promotions, special
    # prices, vouchers, and one UNION over home sections, campaigns and livestreams); the
    # product with its images, thumbnails, variants, channel prices and attributes; the
    # running promotion rules and special prices (one each); stock and reservations; the
    # poverty certification window; the trace batch on sale (two when no batch is saleable:
    # the FEFO choice, then the newest); the tourism details. The ceiling is that set; the
    # point of the test is the second half, where four images and seven packs add nothing.
    with django_assert_max_num_queries(20) as few:
        client.get("/p/small/")
    large = shop.add_product("大", slug="large", prices=tuple(Decimal(p) for p in range(1, 8)))
    for index in range(4):
        add_image(large, sort_order=index)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get("/p/large/")
    assert len(response.context["page"].variants) == 7
