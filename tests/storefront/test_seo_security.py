"""Search-engine and security basics of the shopper pages: sitemap, robots.txt, titles and
canonical links, the Content-Security-Policy, CSRF on forms, language switch."""

import re

import pytest

from backend.catalog.models import ProductChannelListing

pytestmark = pytest.mark.django_db

PAGES = [
    "/",
    "/products/",
    "/c/rice/",
    "/collections/geographical-indications/",
    "/search/?q=大米",
    "/p/dongwangji-rice/",
    "/cart/",
    "/about/",
    "/brand/",
    "/pages/delivery-returns/",
]


@pytest.mark.parametrize("url", PAGES)
def test_every_page_has_csp_title_description_and_canonical(client, collection, url):
    response = client.get(url)
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy and "'unsafe-inline'" not in policy
    html = response.content.decode()
    assert re.search(r"<title>[^<]+</title>", html)
    assert re.search(r'<meta name="description" content="[^"]+">', html)
    assert '<link rel="canonical" href="http://testserver/' in html
    assert "<script>" not in html  # no inline script at all
    assert html.count("<h1") == 1
    for form in re.findall(r'<form[^>]*method="post".*?</form>', html, re.S):
        assert 'name="csrfmiddlewaretoken"' in form


def test_sitemap_lists_visible_products_categories_collections_and_pages(client, collection):
    hidden = collection.products.create(
        name="未发布", slug="hidden", product_type=collection.products.first().product_type
    )
    ProductChannelListing.objects.create(
        product=hidden, channel=collection.channel_listings.first().channel, is_published=False
    )
    response = client.get("/sitemap.xml")
    xml = response.content.decode()
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    assert "<loc>http://testserver/p/dongwangji-rice/</loc>" in xml
    assert "<loc>http://testserver/c/rice/</loc>" in xml
    assert "<loc>http://testserver/collections/geographical-indications/</loc>" in xml
    assert "<loc>http://testserver/pages/delivery-returns/</loc>" in xml
    assert "/p/hidden/" not in xml


def test_robots_txt_points_to_the_sitemap(client, db):
    response = client.get("/robots.txt")
    body = response.content.decode()
    assert response["Content-Type"].startswith("text/plain")
    assert "Disallow: /dashboard/" in body and "Disallow: /cart/" in body
    assert "Sitemap: http://testserver/sitemap.xml" in body


def test_language_switch_to_english(client, rice):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/p/dongwangji-rice/"})
    assert response.status_code == 302 and response["Location"] == "/p/dongwangji-rice/"
    html = client.get("/p/dongwangji-rice/").content.decode()
    assert '<html lang="en">' in html
    assert "Add to cart" in html
    assert "¥12.80" in html


def test_default_language_is_simplified_chinese(client, rice):
    html = client.get("/p/dongwangji-rice/").content.decode()
    assert '<html lang="zh-hans">' in html and "加入购物车" in html
