"""A cooperative's owner on a phone (390×844): sign in by phone, the products list, a new
listing with a photo from the camera input, submit it for review, the stock per warehouse,
the parcels to pack (handed to the station) and the printable packing list, sales figures and
a statement. Every page must fit the screen's width; each step's screenshot is kept as
`vendor-<nn>-<step>.png` in the screenshots folder (tests/browser/conftest.py) — the guide
docs/guides/cooperative.md uses them (BROWSER_SCREENSHOTS=docs/guides/img)."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission as DjangoPermission
from PIL import Image

from backend.catalog.models import Product
from backend.core.permissions import Permission
from backend.listings import services as listing_services
from backend.listings.models import ListingState
from backend.settlement.models import VendorStatement
from backend.vendordesk.models import PackingStatus, VendorParcel
from tests.browser.conftest import PHONE, open_page
from tests.factories import CategoryFactory, ProductTypeFactory, UserFactory
from tests.vendordesk.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def reviewer():
    """A service-centre reviewer (staff with MANAGE_VENDORS)."""
    user = UserFactory(is_staff=True)
    app, codename = Permission.MANAGE_VENDORS.value.split(".")
    user.user_permissions.add(
        DjangoPermission.objects.get(content_type__app_label=app, codename=codename)
    )
    return user


class Steps:
    def __init__(self, page, folder) -> None:
        self.page = page
        self.folder = folder
        self.count = 0

    def check(self, step: str) -> None:
        self.count += 1
        self.page.wait_for_load_state()
        widths = self.page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert widths[0] <= widths[1], f"{step}: {widths[0]} px wide on a {widths[1]} px screen"
        # The whole page in one picture: the screen is made as tall as the page for the shot,
        # so the tab bar (sticky at the bottom) sits below the content, not over it.
        height = self.page.evaluate("document.documentElement.scrollHeight")
        self.page.set_viewport_size(
            {"width": PHONE["width"], "height": max(height, PHONE["height"])}
        )
        self.page.screenshot(path=self.folder / f"vendor-{self.count:02d}-{step}.png")
        self.page.set_viewport_size(PHONE)


def test_a_cooperative_owner_on_a_phone(browser, live_server, screenshots, world, tmp_path):
    CategoryFactory(name="水生蔬菜")
    ProductTypeFactory(name="新鲜农产品")
    parcel = world.parcel(world.a, quantity=2)
    world.parcel(world.a, quantity=1)
    VendorStatement.objects.create(
        vendor=world.a.vendor,
        period_start=dt.date(2026, 10, 1),
        period_end=dt.date(2026, 10, 31),
        status="issued",
        issued_at=dt.datetime(2026, 11, 1, 2, 0, tzinfo=dt.UTC),
        gross_amount=Decimal("1280.00"),
        refund_amount=Decimal("39.90"),
        commission_amount=Decimal("62.00"),
        net_amount=Decimal("1178.10"),
    )
    picture = tmp_path / "lotus.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (800, 600), (196, 120, 80)).save(buffer, format="JPEG")
    picture.write_bytes(buffer.getvalue())

    context, page = open_page(browser, viewport=PHONE)
    steps = Steps(page, screenshots)
    try:
        page.goto(f"{live_server.url}/vendor/")
        page.fill("#id_username", "13800000001")
        page.fill("#id_password", PASSWORD)
        steps.check("login")
        page.click("button[type=submit]")
        page.wait_for_url(f"{live_server.url}/vendor/")
        assert page.locator("h1").inner_text().startswith("莲藕合作社")
        steps.check("home")

        page.click("nav.tabs >> text=商品")
        page.wait_for_url("**/vendor/products/")
        steps.check("products")

        page.click("text=新建商品")
        page.fill("#id_name", "灌云莲藕 2.5kg")
        page.select_option("#id_category", label="水生蔬菜")
        page.select_option("#id_product_type", label="新鲜农产品")
        page.fill("#id_description", "伊山镇塘藕，现挖现发，冷藏可存 7 天。")
        page.fill("#id_variant_name", "2.5kg 箱装")
        page.fill("#id_sku", "GY-LOTUS-25")
        page.fill("#id_price", "39.90")
        page.fill("#id_weight_grams", "2600")
        page.select_option("#id_warehouse", label=world.a.warehouse.name)
        page.fill("#id_quantity", "30")
        assert page.get_attribute("#id_image", "capture") == "environment"
        page.set_input_files("#id_image", str(picture))
        steps.check("product-new")
        page.click("form.card button[type=submit]")
        page.wait_for_url("**/vendor/products/*/")
        assert "草稿" in page.inner_text("#listing-state")
        steps.check("product-draft")

        page.click("text=提交审核")
        page.wait_for_selector("text=已提交审核")
        assert "待审核" in page.inner_text("#listing-state")
        steps.check("product-submitted")
        product = Product.objects.get(name="灌云莲藕 2.5kg")
        assert product.listing.state == ListingState.SUBMITTED
        assert product.media.count() == 1

        page.click("nav.tabs >> text=库存")
        page.wait_for_url("**/vendor/stock/")
        assert "GY-LOTUS-25" in page.content()
        steps.check("stock")

        page.click("nav.tabs >> text=订单")
        page.wait_for_url("**/vendor/orders/")
        assert parcel.code in page.content()
        steps.check("orders")
        page.click(f"#parcel-{parcel.pk} >> text=已交站点")
        page.wait_for_selector("text=已交给站点")
        steps.check("orders-handed-over")
        assert VendorParcel.objects.get(shipment=parcel).status == PackingStatus.HANDED_OVER

        page.goto(f"{live_server.url}/vendor/orders/packing-list/")
        steps.check("packing-list")
        # As printed on A4 (210 mm ≈ 794 CSS px): no header, tabs or buttons, a tick column.
        page.emulate_media(media="print")
        page.set_viewport_size({"width": 794, "height": 1123})
        assert not page.is_visible("nav.tabs") and page.is_visible("th.print-only")
        page.screenshot(path=screenshots / "vendor-10-packing-list-print.png")
        page.emulate_media(media="screen")
        page.set_viewport_size(PHONE)

        page.click("nav.tabs >> text=更多")
        page.wait_for_url("**/vendor/more/")
        steps.check("more")
        page.click("text=销售数据")
        page.wait_for_url("**/vendor/sales/")
        steps.check("sales")
        page.goto(f"{live_server.url}/vendor/statements/")
        page.click("text=1178.10")
        page.wait_for_url("**/vendor/statements/*/")
        steps.check("statement")

        # The reviewer sends the new listing back: the product page shows why.
        listing_services.reject_listing(
            actor=reviewer(),
            product=product,
            reasons="主图与实物颜色不符，请在自然光下重拍；介绍里的“冷藏可存 7 天”请注明温度。",
            checklist={
                "labelling": "pass",
                "net_content": "pass",
                "shelf_life": "fail",
                "origin": "pass",
                "photos_truthful": "fail",
            },
        )
        page.goto(f"{live_server.url}/vendor/products/{product.pk}/")
        assert "已驳回" in page.inner_text("#listing-state")
        assert "图片真实：不合格" in page.inner_text("#review-reasons")
        steps.check("product-rejected")
    finally:
        context.close()
