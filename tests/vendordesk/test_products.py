"""Products in the workspace: the list with states and badges, a new listing with a photo
taken on the phone (multipart, no JavaScript), editing, submitting for review, the reviewer's
reasons, and errors next to their fields."""

from __future__ import annotations

import io
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from backend.catalog.models import Product, ProductMedia
from backend.core.permissions import Permission
from backend.listings import services as listing_services
from backend.listings.models import Listing, ListingState
from tests.factories import CategoryFactory, ProductTypeFactory, UserFactory
from tests.vendordesk.conftest import signed_in

pytestmark = pytest.mark.django_db


def photo(name="apple.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (30, 120, 60)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def field_errors(html: str, field: str) -> str:
    match = re.search(rf'id="id_{field}-errors">(.*?)</ul>', html, re.S)
    return match.group(1) if match else ""


@pytest.fixture
def catalog_bits(world):
    return CategoryFactory(name="粮油"), ProductTypeFactory(name="农产品")


def _new_listing(world, catalog_bits, **overrides):
    category, product_type = catalog_bits
    data = {
        "name": "灌云莲藕",
        "category": category.pk,
        "product_type": product_type.pk,
        "description": "伊山镇塘藕，现挖现发。",
        "variant_name": "2.5kg 箱装",
        "sku": "LOTUS-25",
        "price": "39.90",
        "weight_grams": "2600",
        "warehouse": world.a.warehouse.pk,
        "quantity": "30",
        "image": photo(),
    }
    data.update(overrides)
    return data


def test_create_form_offers_the_phone_camera(world, catalog_bits):
    html = signed_in(world.a_staff).get("/vendor/products/new/").content.decode()
    assert 'enctype="multipart/form-data"' in html
    assert re.search(
        r'<input type="file" name="image" accept="image/\*" capture="environment"', html
    )


def test_create_a_listing_with_a_photo(world, catalog_bits):
    client = signed_in(world.a_staff)
    response = client.post("/vendor/products/new/", _new_listing(world, catalog_bits))
    assert response.status_code == 302, response.content.decode()[:2000]
    product = Product.objects.get(name="灌云莲藕")
    assert product.vendor == world.a.vendor
    assert product.listing.state == ListingState.DRAFT
    assert ProductMedia.objects.filter(product=product).count() == 1
    variant = product.variants.get()
    assert variant.sku == "LOTUS-25" and variant.stocks.get().quantity == 30
    page = client.get(response.url).content.decode()
    assert "草稿" in page and "提交审核" in page


def test_a_bad_listing_shows_errors_next_to_fields_and_writes_nothing(world, catalog_bits):
    client = signed_in(world.a_staff)
    taken = world.a.variant.sku
    response = client.post(
        "/vendor/products/new/", _new_listing(world, catalog_bits, sku=taken, price="abc")
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "请输入金额" in field_errors(html, "price")
    response = client.post("/vendor/products/new/", _new_listing(world, catalog_bits, sku=taken))
    assert "已被使用" in field_errors(response.content.decode(), "sku")
    not_an_image = SimpleUploadedFile("x.png", b"not an image", content_type="image/png")
    response = client.post(
        "/vendor/products/new/", _new_listing(world, catalog_bits, image=not_an_image)
    )
    assert field_errors(response.content.decode(), "image")
    assert not Product.objects.filter(name="灌云莲藕").exists()


def test_edit_submit_and_see_the_reviewers_reasons(world, catalog_bits):
    client = signed_in(world.a.owner)
    client.post("/vendor/products/new/", _new_listing(world, catalog_bits))
    product = Product.objects.get(name="灌云莲藕")
    variant = product.variants.get()
    page = client.get(f"/vendor/products/{product.pk}/edit/")
    assert page.status_code == 200
    response = client.post(
        f"/vendor/products/{product.pk}/edit/",
        {
            "name": "灌云塘藕",
            "category": product.category_id,
            "description": "伊山镇塘藕。",
            f"price_{variant.pk}": "42.00",
        },
    )
    assert response.status_code == 302
    product.refresh_from_db()
    assert product.name == "灌云塘藕"
    assert listing_services.current_prices(product)[str(variant.pk)] == Decimal("42.00")

    response = client.post(f"/vendor/products/{product.pk}/submit/", follow=True)
    assert "已提交审核" in response.content.decode()
    assert Listing.objects.get(product=product).state == ListingState.SUBMITTED

    reviewer = UserFactory(is_staff=True)
    from django.contrib.auth.models import Permission as DjangoPermission

    app, codename = Permission.MANAGE_VENDORS.value.split(".")
    reviewer.user_permissions.add(
        DjangoPermission.objects.get(content_type__app_label=app, codename=codename)
    )
    listing_services.reject_listing(
        actor=reviewer,
        product=product,
        reasons="照片与实物不符，请重拍。",
        checklist={
            "labelling": "pass",
            "net_content": "pass",
            "shelf_life": "n.a.",
            "origin": "pass",
            "photos_truthful": "fail",
        },
    )
    html = client.get(f"/vendor/products/{product.pk}/").content.decode()
    assert "已驳回" in html and "照片与实物不符" in html and "图片真实：<b>不合格</b>" in html
    listing = client.get("/vendor/products/?state=rejected").content.decode()
    assert "灌云塘藕" in listing


def test_add_a_photo_to_a_product(world):
    product = world.a.variant.product
    Listing.objects.filter(product=product).update(state=ListingState.DRAFT)
    client = signed_in(world.a.owner)
    page = client.get(f"/vendor/products/{product.pk}/photos/").content.decode()
    assert 'capture="environment"' in page
    response = client.post(f"/vendor/products/{product.pk}/photos/", {"image": photo()})
    assert response.status_code == 302
    assert product.media.count() == 1
    media = product.media.get()
    response = client.post(f"/vendor/products/{product.pk}/photos/{media.pk}/remove/")
    assert response.status_code == 302 and product.media.count() == 0


def test_submitting_without_required_documents_is_refused_with_the_reason(world):
    product = world.a.variant.product
    product.product_type.slug = "packaged-food"
    product.product_type.save()
    Listing.objects.filter(product=product).update(state=ListingState.DRAFT)
    client = signed_in(world.a.owner)
    html = client.get(f"/vendor/products/{product.pk}/").content.decode()
    assert "提交审核前还需要" in html
    response = client.post(f"/vendor/products/{product.pk}/submit/", follow=True)
    assert "食品生产许可证" in response.content.decode()
    assert Listing.objects.get(product=product).state == ListingState.DRAFT


def test_certificate_upload_errors_are_next_to_their_fields(world):
    product = world.a.variant.product
    client = signed_in(world.a.owner)
    response = client.post(
        f"/vendor/products/{product.pk}/certificates/",
        {
            "kind": "green_food",
            "number": "LB-1",
            "issued_on": "2099-01-01",
            "file": SimpleUploadedFile("c.pdf", b"%PDF-1.4 x", content_type="application/pdf"),
        },
    )
    assert response.status_code == 200
    assert "不能晚于今天" in field_errors(response.content.decode(), "issued_on")
    assert not product.certificates.exists()


def test_another_vendors_product_pages_are_404(world):
    theirs = world.b.variant.product
    client = signed_in(world.a.owner)
    for url in ("", "edit/", "photos/", "certificates/"):
        assert client.get(f"/vendor/products/{theirs.pk}/{url}").status_code == 404, url
    assert client.post(f"/vendor/products/{theirs.pk}/submit/").status_code == 404
    assert (
        client.post(f"/vendor/products/{theirs.pk}/photos/", {"image": photo()}).status_code == 404
    )
    assert theirs.media.count() == 0
    html = client.get("/vendor/products/").content.decode()
    assert theirs.name not in html and world.a.variant.product.name in html
