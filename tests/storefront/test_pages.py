"""The brand's about page and the static pages of the seed (delivery and returns)."""

import pytest

pytestmark = pytest.mark.django_db


def test_about_page_tells_the_brand_story(client, shop):
    html = client.get("/about/").content.decode()
    assert "<h1>伊山伊水</h1>" in html and "灌云县地处黄海之滨。" in html


def test_about_page_without_brand_is_not_found(client, db):
    assert client.get("/about/").status_code == 404


def test_delivery_and_returns_page_from_the_seed(client, db):
    response = client.get("/pages/delivery-returns/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>配送与退换</h1>" in html and "<h2>退换货</h2>" in html
    assert 'href="/pages/delivery-returns/"' in html  # linked from the footer


def test_seed_page_text_is_escaped(client, settings, tmp_path):
    (tmp_path / "pages").mkdir()
    (tmp_path / "pages" / "notice.yaml").write_text(
        "title: <b>通知</b>\n"
        "sections:\n  - heading: 说明\n    paragraphs: ['<script>x</script>']\n",
        encoding="utf-8",
    )
    settings.CATALOG_SEED_DIR = tmp_path
    html = client.get("/pages/notice/").content.decode()
    assert "<h1>&lt;b&gt;通知&lt;/b&gt;</h1>" in html
    assert "<p>&lt;script&gt;x&lt;/script&gt;</p>" in html


def test_unknown_page_is_not_found(client, db):
    assert client.get("/pages/nothing/").status_code == 404
    assert client.get("/pages/..%2fcounty/").status_code == 404


def test_not_found_page_is_the_storefronts_own_with_a_search(client, db):
    response = client.get("/p/no-such-product/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "<h1>页面不存在</h1>" in html
    assert 'action="/search/"' in html
