"""Expiry at the exact instant, in Asia/Shanghai: the badge leaves the product page, the listing
card, GraphQL and the 「品牌授权」 facet the moment valid_until passes, before the beat task has
run; the task then records the expiry and tells the vendor. No clock is frozen: instants are
passed as `at`, or set a moment after timezone.now() and waited for."""

from __future__ import annotations

import datetime
import time
import zoneinfo

import pytest
from django.utils import timezone

from backend.brand import selectors
from backend.brand.models import BrandLicence, LicenceStatus
from backend.brand.tasks import expire_licences
from tests.conftest import GraphQLClient

pytestmark = pytest.mark.django_db

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
PRODUCT = """query { product(slug: "dongwangji-rice", channel: "guanyun") {
  isBrandLicensed brandLicence { number status validUntil } } }"""
LICENSED = """query { products(first: 10, channel: "guanyun", filter: {isBrandLicensed: true}) {
  totalCount edges { node { slug } } } }"""


def wait_until(instant: datetime.datetime) -> None:
    delay = (instant - timezone.now()).total_seconds()
    if delay > 0:
        time.sleep(delay + 0.05)


def badge_on_product_page(client) -> bool:
    response = client.get("/p/dongwangji-rice/")
    assert response.status_code == 200
    return "badge-brand" in response.content.decode()


def badge_on_listing(client) -> tuple[bool, str]:
    html = client.get("/products/").content.decode()
    card = html[html.find('href="/p/dongwangji-rice/"') :]
    card = card[: card.find("</li>")]
    facet = html[html.find("品牌授权") :][:400] if "品牌授权" in html else ""
    return "badge-brand" in card, facet


def test_licence_ends_at_midnight_shanghai_not_utc(world):
    """Granted until 2030-01-01 00:00 in Guanyun: valid at 23:59:59.999999 on the 31st (local),
    gone at midnight — which is 16:00 UTC on 31 December."""
    until = datetime.datetime(2030, 1, 1, tzinfo=SHANGHAI)
    world.grant(world.rice, until=until)
    last_moment = until - datetime.timedelta(microseconds=1)
    assert world.rice.pk in selectors.licensed_product_ids(at=last_moment)
    assert world.rice.pk not in selectors.licensed_product_ids(at=until)
    assert until.astimezone(datetime.UTC).hour == 16
    assert world.rice.pk not in selectors.licensed_product_ids(
        at=datetime.datetime(2030, 1, 1, 0, 0, tzinfo=datetime.UTC)
    )


def test_licence_starts_at_valid_from(world):
    start = timezone.now() + datetime.timedelta(days=3)
    world.grant(world.rice, start=start, until=start + datetime.timedelta(days=30))
    assert world.rice.pk not in selectors.licensed_product_ids()
    assert world.rice.pk in selectors.licensed_product_ids(at=start)


def test_expired_licence_removes_badge_everywhere_at_the_exact_instant(world, client):
    # Long enough for the "before" requests on a loaded machine; the test then waits it out.
    until = timezone.now() + datetime.timedelta(seconds=10)
    world.grant(world.rice, until=until)
    api = GraphQLClient(client)
    # Before: every place shows it (and the pages are now in the caches).
    assert badge_on_product_page(client)
    card_badge, facet = badge_on_listing(client)
    assert card_badge and "授权商品（1）" in facet
    assert api.query(PRODUCT)["product"]["isBrandLicensed"] is True
    assert api.query(LICENSED)["products"]["totalCount"] == 1

    wait_until(until)
    # No row changed and the beat task has not run: the status is still ACTIVE…
    assert BrandLicence.objects.get().status == LicenceStatus.ACTIVE
    # …but the badge is gone from the product page, the card, the facet and the API.
    assert not badge_on_product_page(client)
    card_badge, facet = badge_on_listing(client)
    assert not card_badge and facet == ""
    assert api.query(PRODUCT)["product"] == {"isBrandLicensed": False, "brandLicence": None}
    assert api.query(LICENSED)["products"]["totalCount"] == 0
    assert selectors.licensed_product_ids() == set()


def test_beat_task_records_expiry_and_tells_the_vendor_once(
    world, sms, django_capture_on_commit_callbacks, eager_celery
):
    until = datetime.datetime(2031, 6, 1, tzinfo=SHANGHAI)
    licence = world.grant(world.rice, until=until)
    other = world.grant(world.lotus, until=until + datetime.timedelta(days=1))
    assert expire_licences(at=until - datetime.timedelta(seconds=1)) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert expire_licences(at=until) == 1
    licence.refresh_from_db()
    other.refresh_from_db()
    assert licence.status == LicenceStatus.EXPIRED
    assert other.status == LicenceStatus.ACTIVE
    assert [e.action for e in licence.events.all()] == ["granted", "expired"]
    texts = sms(world.market.owner.phone)
    assert len(texts) == 1
    assert "【伊山伊水】" in texts[0] and "已于 2031-06-01 00:00 到期" in texts[0]
    # A rerun changes nothing and sends nothing.
    with django_capture_on_commit_callbacks(execute=True):
        assert expire_licences(at=until + datetime.timedelta(hours=1)) == 0
    assert len(sms(world.market.owner.phone)) == 1


def test_suspended_licence_also_expires(world):
    from backend.brand import services

    until = datetime.datetime(2031, 6, 1, tzinfo=SHANGHAI)
    licence = world.grant(world.rice, until=until)
    services.suspend_licence(actor=world.manager, licence=licence, reason="抽检")
    assert expire_licences(at=until) == 1
    licence.refresh_from_db()
    assert licence.status == LicenceStatus.EXPIRED


def test_beat_schedule_runs_the_expiry_task():
    from django.conf import settings

    entry = settings.CELERY_BEAT_SCHEDULE["expire-brand-licences"]
    assert entry["task"] == "backend.brand.tasks.expire_brand_licences_task"
    from backend.brand.tasks import expire_brand_licences_task

    assert expire_brand_licences_task.name == entry["task"]
