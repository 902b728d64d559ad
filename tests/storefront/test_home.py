"""The front page shows the county brand and its published products with prices."""

from decimal import Decimal

import pytest

from backend.brand.models import PublicBrand
from backend.catalog.models import ProductChannelListing
from tests.factories import ChannelFactory, ProductFactory, list_product

pytestmark = pytest.mark.django_db


def test_home_shows_brand_and_published_products_only(client):
    channel = ChannelFactory()
    PublicBrand.objects.create(
        county_name="灌云县",
        name="伊山伊水",
        slug="yishan",
        slogan="好山好水好味道",
        channel=channel,
    )
    rice = ProductFactory(name="东王集大米")
    list_product(rice, channel, prices=(Decimal("39.90"), Decimal("69.00")))
    draft = ProductFactory(name="未发布酱油")
    list_product(draft, channel)
    ProductChannelListing.objects.filter(product=draft).update(is_published=False)

    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "伊山伊水" in html and "好山好水好味道" in html
    assert "东王集大米" in html and "¥39.90" in html
    assert "未发布酱油" not in html


def test_home_without_any_data_still_renders(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "商品正在上架中" in response.content.decode()
