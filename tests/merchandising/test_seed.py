"""The merchandising seed: a banner and two featured sections, three rule collections, a
campaign running from today 00:00 Asia/Shanghai for 60 days linked to the seeded promotions,
a livestream tomorrow 19:30–21:30 with live prices on two products; a rerun changes nothing."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import transaction

from backend.catalog.models import Collection, CollectionKind
from backend.discount.models import SpecialPrice, SpecialPriceKind
from backend.merchandising.models import Campaign, HomeSection, LivestreamEvent
from backend.merchandising.seed import seed_merchandising
from tests.merchandising.conftest import shanghai

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2027, 1, 20)


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """The whole county seed once for this module (it takes a while), inside a transaction
    that is rolled back afterwards, so the rows never outlive the module; its output."""
    with django_db_blocker.unblock(), transaction.atomic():
        out = io.StringIO()
        call_command("seed_catalog", stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


def test_first_run_creates_the_demo_merchandising(seeded):
    assert "首页运营与活动" in seeded
    kinds = list(HomeSection.objects.order_by("sort_order").values_list("kind", flat=True))
    assert kinds == ["banner", "collection", "collection"]
    rules = Collection.objects.filter(kind=CollectionKind.RULE)
    assert set(rules.values_list("name", flat=True)) == {"地理标志产品", "本周新品", "品牌授权产品"}
    assert (
        rules.get(slug="rule-geographical-indication")
        .products.filter(slug="dongwangji-rice")
        .exists()
    )


def test_campaign_runs_from_today_for_sixty_days_with_the_seeded_promotions(seeded):
    campaign = Campaign.objects.get(slug="nianhuo")
    assert campaign.promotions.exists()
    start = campaign.starts_at.astimezone(shanghai(2000, 1, 1).tzinfo)
    assert (start.hour, start.minute) == (0, 0)
    assert campaign.ends_at - campaign.starts_at == datetime.timedelta(days=60)


def test_livestream_is_scheduled_tomorrow_evening_with_two_live_prices(seeded):
    event = LivestreamEvent.objects.get()
    start = event.starts_at.astimezone(shanghai(2000, 1, 1).tzinfo)
    assert (start.hour, start.minute) == (19, 30)
    assert event.ends_at - event.starts_at == datetime.timedelta(hours=2)
    prices = SpecialPrice.objects.filter(source_key=f"livestream:{event.pk}")
    assert prices.count() == 2
    assert set(prices.values_list("kind", flat=True)) == {SpecialPriceKind.LIVESTREAM}
    assert Decimal("79.00") in set(prices.values_list("price_amount", flat=True))


def test_a_rerun_changes_nothing(seeded):
    before = (
        list(HomeSection.objects.values_list("pk", "updated_at")),
        list(Campaign.objects.values_list("pk", "updated_at", "starts_at")),
        list(SpecialPrice.objects.values_list("pk", "price_amount", "starts_at")),
    )
    report = seed_merchandising(today=TODAY)
    assert not report.changed
    assert report.as_dict()["campaigns"] == {
        "created": 0,
        "updated": 0,
        "unchanged": 1,
        "deleted": 0,
    }
    after = (
        list(HomeSection.objects.values_list("pk", "updated_at")),
        list(Campaign.objects.values_list("pk", "updated_at", "starts_at")),
        list(SpecialPrice.objects.values_list("pk", "price_amount", "starts_at")),
    )
    assert before == after


assert settings.TIME_ZONE == "Asia/Shanghai"


def test_seeded_pages_show_the_banner_the_running_campaign_and_the_livestream(seeded, client):
    home = client.get("/").content.decode()
    assert "年货节 · 灌云好物过大年" in home and 'href="/campaigns/nianhuo/"' in home
    assert "地理标志产品" in home and "东王集大米" in home
    campaign = client.get("/campaigns/nianhuo/").content.decode()
    assert "活动截止" in campaign and "满99减10" in campaign and "东王集大米" in campaign
    live = client.get("/live/").content.decode()
    assert "燕尾港海鲜直播专场" in live and "预告" in live
    event = LivestreamEvent.objects.get()
    page = client.get(f"/live/{event.pk}/").content.decode()
    assert "直播价 ¥79.00" in page and "直播外 ¥89.00" in page
