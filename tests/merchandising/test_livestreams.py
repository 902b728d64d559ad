"""Livestream sale events: the live-only prices become special prices of the pricing engine
(kind LIVESTREAM, source "livestream:<pk>") valid only inside the window — checked through
the product page and the cart — and the /live/ pages with their badges."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from backend.discount.models import SpecialPrice, SpecialPriceKind
from backend.merchandising import services
from backend.merchandising.models import LivestreamEvent, LivestreamPrice
from tests.merchandising.conftest import shanghai

pytestmark = pytest.mark.django_db

START = shanghai(2027, 1, 21, 19, 30)
END = START + timedelta(hours=2)


def save_event(shop, rice, *, price="9.90", event=None, **fields):
    small = rice.variants.order_by("pk").first()
    data = {
        "title": "东王集新米直播",
        "host_name": "小王",
        "stream_url": "https://live.douyin.com/123456",
        "platform": "douyin",
        "channel": shop.channel,
        "starts_at": START,
        "ends_at": END,
        "products": [rice],
        "prices": [(small, Decimal(price))],
        "is_published": True,
        **fields,
    }
    return services.save_livestream_event(event=event, data=data)


def test_saving_an_event_makes_its_live_prices_special_prices_of_the_window(shop, rice):
    event = save_event(shop, rice)
    special = SpecialPrice.objects.get(source_key=f"livestream:{event.pk}")
    assert special.kind == SpecialPriceKind.LIVESTREAM
    assert (special.starts_at, special.ends_at) == (START, END)
    assert special.price_amount == Decimal("9.90")
    # Saving again with a new price replaces, not adds.
    save_event(shop, rice, price="8.80", event=event)
    assert SpecialPrice.objects.filter(source_key=f"livestream:{event.pk}").count() == 1
    assert SpecialPrice.objects.get(source_key=f"livestream:{event.pk}").price_amount == Decimal(
        "8.80"
    )


def test_live_price_shows_on_the_product_page_only_inside_the_window(client, shop, rice, clock):
    save_event(shop, rice)
    clock.set(START - timedelta(seconds=1))
    assert "¥9.90" not in client.get("/p/dongwangji-rice/").content.decode()
    clock.set(START)
    assert "¥9.90" in client.get("/p/dongwangji-rice/").content.decode()
    clock.set(END)
    assert "¥9.90" not in client.get("/p/dongwangji-rice/").content.decode()


def test_the_cart_charges_the_live_price_only_inside_the_window(client, shop, rice, clock):
    small = rice.variants.order_by("pk").first()
    save_event(shop, rice)
    clock.set(START + timedelta(minutes=5))
    client.post("/cart/add/", {"variant": small.pk, "quantity": 2, "product": rice.slug})
    assert "¥19.80" in client.get("/cart/").content.decode()
    clock.set(END + timedelta(minutes=5))
    html = client.get("/cart/").content.decode()
    assert "¥19.80" not in html and "¥25.60" in html


def test_event_page_shows_the_live_price_and_the_price_outside_the_window(
    client, shop, rice, clock
):
    event = save_event(shop, rice)
    clock.set(START + timedelta(minutes=1))
    html = client.get(f"/live/{event.pk}/").content.decode()
    assert "直播中" in html
    assert "直播价 ¥9.90" in html and "直播外 ¥12.80" in html
    assert 'href="https://live.douyin.com/123456"' in html


def test_live_list_badges_live_and_upcoming_events(client, shop, rice, clock):
    save_event(shop, rice)
    save_event(
        shop,
        rice,
        title="燕尾港海鲜专场",
        starts_at=END + timedelta(days=1),
        ends_at=END + timedelta(days=1, hours=2),
        prices=[],
    )
    clock.set(START)
    html = client.get("/live/").content.decode()
    items = [item.split("</li>")[0] for item in html.split('<li class="live-item">')[1:]]
    live = next(item for item in items if "东王集新米直播" in item)
    upcoming = next(item for item in items if "燕尾港海鲜专场" in item)
    assert "直播中" in live and "预告" not in live
    assert "预告" in upcoming and "直播中" not in upcoming


def test_deleting_an_event_removes_its_live_prices(shop, rice):
    event = save_event(shop, rice)
    services.delete_livestream_event(event=event)
    assert not SpecialPrice.objects.filter(source_key=f"livestream:{event.pk}").exists()


@pytest.mark.parametrize(
    ("fields", "field", "code"),
    [
        ({"stream_url": "http://live.douyin.com/1"}, "stream_url", "INVALID_LINK"),
        ({"stream_url": "javascript:alert(1)"}, "stream_url", "INVALID_LINK"),
        ({"ends_at": START}, "ends_at", "INVALID_DATES"),
        ({"host_name": ""}, "host_name", "REQUIRED"),
    ],
)
def test_bad_events_get_typed_errors_and_write_nothing(shop, rice, fields, field, code):
    with pytest.raises(ValidationError) as raised:
        save_event(shop, rice, **fields)
    assert raised.value.error_dict[field][0].code == code
    assert not LivestreamEvent.objects.exists()
    assert not SpecialPrice.objects.exists()


@pytest.mark.parametrize(
    ("price", "code"),
    [
        ("0", "INVALID_PRICE"),
        ("-1", "INVALID_PRICE"),
        ("9.999", "INVALID_PRICE"),
        ("12.80", "INVALID_PRICE"),  # not below the list price
        ("99.00", "INVALID_PRICE"),
    ],
)
def test_bad_live_prices_are_refused(shop, rice, price, code):
    with pytest.raises(ValidationError) as raised:
        save_event(shop, rice, price=price)
    assert raised.value.error_dict["prices"][0].code == code
    assert not LivestreamPrice.objects.exists() and not SpecialPrice.objects.exists()


def test_a_live_price_for_a_product_not_in_the_event_is_refused(shop, rice):
    other = shop.add_product("燕尾港紫菜", slug="laver")
    with pytest.raises(ValidationError) as raised:
        services.save_livestream_event(
            event=None,
            data={
                "title": "直播",
                "host_name": "小王",
                "stream_url": "https://live.douyin.com/1",
                "channel": shop.channel,
                "starts_at": START,
                "ends_at": END,
                "products": [rice],
                "prices": [(other.variants.first(), Decimal("5"))],
            },
        )
    assert raised.value.error_dict["prices"][0].code == "PRODUCT_NOT_IN_EVENT"
    assert not LivestreamEvent.objects.exists()


def test_a_live_price_overlapping_a_flash_sale_of_the_variant_is_refused(shop, rice):
    small = rice.variants.order_by("pk").first()
    SpecialPrice.objects.create(
        name="秒杀",
        kind=SpecialPriceKind.FLASH_SALE,
        channel=shop.channel,
        variant=small,
        price_amount=Decimal("5.00"),
        starts_at=START - timedelta(hours=1),
        ends_at=START + timedelta(minutes=1),
    )
    with pytest.raises(ValidationError) as raised:
        save_event(shop, rice)
    assert raised.value.error_dict["prices"][0].code == "OVERLAPPING_PRICE"
    assert not LivestreamEvent.objects.exists()
    assert SpecialPrice.objects.count() == 1


def test_an_unpublished_event_is_shown_to_managers_only(client, shop, rice):
    from tests.merchandising.conftest import make_manager

    event = save_event(shop, rice, is_published=False)
    assert not SpecialPrice.objects.get(source_key=f"livestream:{event.pk}").is_active
    assert client.get(f"/live/{event.pk}/").status_code == 404
    assert "东王集新米直播" not in client.get("/live/").content.decode()
    client.force_login(make_manager())
    assert client.get(f"/live/{event.pk}/").status_code == 200


def test_home_page_announces_a_livestream_only_while_it_is_on_air(client, shop, rice, clock):
    event = save_event(shop, rice)
    clock.set(START - timedelta(seconds=1))
    assert f'href="/live/{event.pk}/"' not in client.get("/").content.decode()
    clock.set(START)
    html = client.get("/").content.decode()
    assert f'href="/live/{event.pk}/"' in html and "直播中" in html
    clock.set(END)
    assert f'href="/live/{event.pk}/"' not in client.get("/").content.decode()
