"""Every page of the staff back-office at /dashboard/ renders, in Chinese by default, and only
for staff."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from backend.account.models import User

pytestmark = pytest.mark.django_db

REGISTERED = sorted(admin.site._registry, key=lambda model: model._meta.label)


def _admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
def test_changelist_renders(admin_client, catalog, model):
    response = admin_client.get(_admin_url(model, "changelist"))
    assert response.status_code == 200


@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
def test_add_page_renders(admin_client, catalog, model):
    response = admin_client.get(_admin_url(model, "add"))
    if not admin.site._registry[model].has_add_permission(response.wsgi_request):
        # Read-only records (orders) are created by the services, never on the dashboard.
        assert response.status_code == 403
        return
    assert response.status_code == 200


@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
def test_change_page_renders_for_an_existing_object(admin_client, catalog, model):
    obj = model._default_manager.order_by("pk").first()
    assert obj is not None, (
        f"tests/admin/conftest.py builds no {model._meta.label}: add one to the catalog fixture"
    )
    response = admin_client.get(_admin_url(model, "change", obj.pk))
    assert response.status_code == 200


@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
def test_changelist_search_renders(admin_client, catalog, model):
    if not admin.site._registry[model].search_fields:
        pytest.skip("no search box on this list")
    response = admin_client.get(_admin_url(model, "changelist"), {"q": "大米"})
    assert response.status_code == 200


def test_dashboard_index_is_chinese_by_default(admin_client, catalog):
    response = admin_client.get(reverse("admin:index"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "商品目录" in html
    assert "仓储库存" in html


@pytest.mark.usefixtures("english_messages")
def test_dashboard_speaks_english_when_asked(admin_client, catalog):
    response = admin_client.get(
        reverse("admin:catalog_product_changelist"), headers={"accept-language": "en"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Catalog" in html
    assert "Add Product" in html
    assert "商品目录" not in html


def test_anonymous_visitor_is_sent_to_login(client):
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_logged_in_shopper_without_staff_flag_is_sent_to_login(client):
    shopper = User.objects.create_user("shopper@example.com", "correct-horse-battery-9")
    client.force_login(shopper)
    for url in (reverse("admin:index"), _admin_url(User, "changelist")):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("admin:login"))


def test_staff_logs_in_with_mobile_number(client):
    User.objects.create_user(
        phone="+8613812345678",
        password="correct-horse-battery-9",
        is_staff=True,
        is_superuser=True,
    )
    response = client.post(
        reverse("admin:login"),
        {"username": "138 1234 5678", "password": "correct-horse-battery-9", "next": "/dashboard/"},
    )
    assert response.status_code == 302
    assert response.url == "/dashboard/"
    assert client.get(reverse("admin:index")).status_code == 200


@pytest.mark.parametrize(
    ("model_label", "list_url"),
    [
        ("catalog.Product", "admin:catalog_product_changelist"),
        ("catalog.ProductVariant", "admin:catalog_productvariant_changelist"),
        ("inventory.Stock", "admin:inventory_stock_changelist"),
        ("inventory.Warehouse", "admin:inventory_warehouse_changelist"),
        ("catalog.Category", "admin:catalog_category_changelist"),
    ],
)
def test_list_page_query_count_does_not_grow_with_rows(
    admin_client, catalog, model_label, list_url
):
    url = reverse(list_url)
    admin_client.get(url)  # warm the session and content-type caches

    with CaptureQueriesContext(connection) as one_row:
        assert admin_client.get(url).status_code == 200
    for _ in range(6):
        catalog.add_product()
    with CaptureQueriesContext(connection) as many_rows:
        assert admin_client.get(url).status_code == 200

    assert len(many_rows) == len(one_row), model_label


def test_product_list_shows_lowest_channel_price_and_finds_products_by_sku(admin_client, catalog):
    product = catalog.add_product(price="12.5")
    sku = product.variants.get().sku

    response = admin_client.get(reverse("admin:catalog_product_changelist"), {"q": sku})

    assert response.status_code == 200
    assert response.context["cl"].result_count == 1
    assert "¥12.50" in response.content.decode()


def test_product_list_filters_by_published_listing(admin_client, catalog):
    hidden = catalog.add_product()
    hidden.channel_listings.update(is_published=False)
    url = reverse("admin:catalog_product_changelist")

    published = admin_client.get(url, {"published": "yes"}).context["cl"].result_list
    unpublished = admin_client.get(url, {"published": "no"}).context["cl"].result_list

    assert hidden not in published
    assert list(unpublished) == [hidden]


def test_stock_list_finds_rows_by_sku_and_warehouse(admin_client, catalog):
    product = catalog.add_product(quantity=7)
    sku = product.variants.get().sku
    url = reverse("admin:inventory_stock_changelist")

    by_sku = admin_client.get(url, {"q": sku}).context["cl"].result_list
    by_warehouse = admin_client.get(url, {"warehouse__id__exact": catalog.warehouse.pk})

    assert [stock.quantity for stock in by_sku] == [7]
    assert by_warehouse.context["cl"].result_count == 2


def test_staff_creates_a_user_with_only_a_mobile_number(admin_client):
    response = admin_client.post(
        _admin_url(User, "add"),
        {
            "email": "",
            "phone": "139-0000-1111",
            "usable_password": "true",
            "password1": "correct-horse-battery-9",
            "password2": "correct-horse-battery-9",
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    user = User.objects.get(phone="+8613900001111")
    assert user.email is None
    assert user.check_password("correct-horse-battery-9")


def test_user_needs_an_email_or_a_mobile_number(admin_client):
    response = admin_client.post(
        _admin_url(User, "add"),
        {
            "email": "",
            "phone": "",
            "usable_password": "true",
            "password1": "correct-horse-battery-9",
            "password2": "correct-horse-battery-9",
        },
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.has_error("__all__", "identifier_required")


def test_user_with_an_invalid_mobile_number_is_refused(admin_client):
    response = admin_client.post(
        _admin_url(User, "add"),
        {
            "phone": "12345",
            "usable_password": "true",
            "password1": "correct-horse-battery-9",
            "password2": "correct-horse-battery-9",
        },
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.has_error("phone", "invalid_phone")


def test_staff_changes_a_users_password(admin_client):
    user = User.objects.create_user("buyer@example.com", "old-password-for-test-1")
    url = reverse("admin:auth_user_password_change", args=[user.pk])

    assert admin_client.get(url).status_code == 200
    response = admin_client.post(
        url,
        {"password1": "new-password-for-test-2", "password2": "new-password-for-test-2"},
    )

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("new-password-for-test-2")
