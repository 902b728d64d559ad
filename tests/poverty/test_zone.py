"""The zone for shoppers: /poverty-zone/ with certified products in the curated order, the
counters against the annual target and consenting stories; the badge on cards and product
pages with the mechanism in plain words, gone at the instant a certification ends; the home
tile; and GraphQL `povertyZone` and `Product.povertyCertification`."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from backend.brand.models import PublicBrand
from backend.poverty import services
from backend.poverty.models import Mechanism, VillageStory
from backend.poverty.selectors import zone_stats
from tests.conftest import GraphQLClient

pytestmark = pytest.mark.django_db


@pytest.fixture
def site(zone):
    PublicBrand.objects.create(
        county_name="灌云县",
        name="伊山伊水",
        slug="yishan",
        slogan="灌云好物",
        channel=zone.channel,
    )
    return zone


def test_zone_page_shows_products_in_curated_order_counters_and_no_household_data(site, settings):
    settings.POVERTY_ZONE_ANNUAL_TARGET = Decimal("1000")
    rice = site.certify(site.rice, Mechanism.PURCHASE)
    noodles = site.certify(site.noodles, Mechanism.EMPLOYMENT, wage_per_unit=Decimal("2"))
    brand_manager = _brand_manager()
    services.set_zone_position(actor=brand_manager, certification=noodles, position=-1)
    services.set_zone_position(actor=brand_manager, certification=rice, position=5)
    site.paid_order([(site.rice_variant, 5)])  # ¥150 of ¥1000: 15 %
    VillageStory.objects.create(
        village=site.village, title="藕塘新生", story="村集体的藕塘", consent=True
    )
    VillageStory.objects.create(
        village=site.other_village, title="不公开", story="未同意", consent=False
    )
    household = site.households[0]
    services.save_household(
        actor=site.staff, household=household, story="种稻三十年。", story_consent=True
    )
    html = Client().get("/poverty-zone/").content.decode()
    assert html.index("南岗粉丝") < html.index("东王集大米")
    assert "¥150.00" in html and 'value="15"' in html
    assert "藕塘新生" in html and "种稻三十年。" in html and "不公开" not in html
    assert "每卖出一件，商家向登记在册的低收入户收购 2.5 公斤农产品，收购价每公斤 4 元。" in html
    for private in ("张一", "GY-0000", "1380000", "110101", "4477"):
        assert private not in html


def test_product_page_badge_and_mechanism_go_at_the_instant_the_window_closes(site):
    certification = site.certify(site.rice, Mechanism.SALES_SHARE, share_percent=Decimal("8"))
    page = Client().get(f"/p/{site.rice.slug}/").content.decode()
    assert "badge-poverty" in page and "您支付金额的 8% 分给登记在册的低收入户。" in page
    listing = Client().get("/products/").content.decode()
    assert listing.count("badge-poverty") == 1  # the rice card, not the noodles
    # The window closes: no request to the beat task is needed for the badge to go.
    from backend.poverty.models import Certification

    Certification.objects.filter(pk=certification.pk).update(
        valid_until=timezone.now() - datetime.timedelta(seconds=1)
    )
    from backend.catalog.cache import bump_catalog_version

    bump_catalog_version()
    assert "badge-poverty" not in Client().get(f"/p/{site.rice.slug}/").content.decode()


def test_home_tile_leads_to_the_zone(site):
    html = Client().get("/").content.decode()
    assert 'href="/poverty-zone/"' in html


def test_graphql_zone_products_stats_and_product_certification(site, client):
    site.certify(site.rice, Mechanism.PURCHASE)
    site.paid_order([(site.rice_variant, 2)])
    body = GraphQLClient(client).query(
        """query Zone($channel: String) { povertyZone(channel: $channel) {
              products { name povertyCertification { number mechanism mechanismDescription
                                                     beneficiaryHouseholds reason } }
              stats { sales { amount } target { amount } progressPercent households villages }
            } }""",
        {"channel": site.channel.slug},
    )
    zone = body["povertyZone"]
    (product,) = zone["products"]
    certification = product["povertyCertification"]
    assert product["name"] == "东王集大米"
    assert certification["mechanism"] == "PURCHASE"
    assert certification["number"].startswith("FP-")
    assert certification["beneficiaryHouseholds"] == 3
    assert certification["reason"] is None  # private to county staff and the vendor
    assert zone["stats"]["sales"]["amount"] == 60.0
    assert zone["stats"]["households"] == 3 and zone["stats"]["villages"] == 2
    assert zone_stats().sales == Decimal("60.00")


def _brand_manager():
    from backend.brand.seed import brand_managers_group
    from tests.factories import UserFactory

    user = UserFactory(is_staff=True)
    user.groups.add(brand_managers_group())
    return user
