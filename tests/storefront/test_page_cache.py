"""The whole-page cache of the home page for first visits (no cookies), and the GET language
switch that lets those pages carry no CSRF token."""

import pytest
from django.conf import settings

from backend.catalog.cache import bump_catalog_version

pytestmark = pytest.mark.django_db


def test_first_visit_is_served_whole_from_one_cache_read(client, shop, django_assert_num_queries):
    shop.add_product("东王集大米", slug="rice-1")
    first = client.get("/")
    assert "csrfmiddlewaretoken" not in first.content.decode()
    assert not first.cookies  # nothing personal was handed out, so the page can be shared
    with django_assert_num_queries(0):
        second = client.get("/")
    assert second.status_code == 200
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]
    assert "default-src 'self'" in second["Content-Security-Policy"]


def test_a_catalog_change_is_never_hidden_by_the_page_cache(client, shop):
    shop.add_product("东王集大米", slug="rice-1")
    client.get("/")
    shop.add_product("小伊浅水藕", slug="lotus-1")
    bump_catalog_version()  # what a committed catalog change does
    assert "小伊浅水藕" in client.get("/").content.decode()


def test_visitors_with_a_session_get_a_fresh_page(client, shop, django_assert_max_num_queries):
    shop.add_product("东王集大米", slug="rice-1")
    client.get("/")
    client.cookies[settings.SESSION_COOKIE_NAME] = "not-a-real-session"
    with django_assert_max_num_queries(40) as queries:
        response = client.get("/")
    assert response.status_code == 200
    assert len(queries.captured_queries) >= 1  # rendered for this visitor, not taken whole


def test_each_language_has_its_own_cached_page(client, shop):
    shop.add_product("东王集大米", slug="rice-1")
    assert '<html lang="zh-hans">' in client.get("/").content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert '<html lang="en">' in client.get("/").content.decode()
    del client.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert '<html lang="zh-hans">' in client.get("/").content.decode()


def test_language_switch_is_a_get_form_that_sets_the_cookie(client, shop):
    html = client.get("/").content.decode()
    assert 'action="/language/" method="get"' in html
    response = client.get("/language/", {"language": "en", "next": "/products/"})
    assert response.status_code == 302 and response["Location"] == "/products/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert '<html lang="en">' in client.get("/products/").content.decode()


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", ""])
def test_language_switch_never_redirects_off_site(client, db, target):
    response = client.get("/language/", {"language": "en", "next": target})
    assert response.status_code == 302 and response["Location"] == "/"


def test_unknown_language_changes_nothing(client, db):
    response = client.get("/language/", {"language": "xx", "next": "/"})
    assert response.status_code == 302
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
