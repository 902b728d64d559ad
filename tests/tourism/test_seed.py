"""The tourism seed: the county's venues, rules and 60 days of capacity from catalog_seed/,
the demo venue staff account, and a second run that changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from backend.catalog.seed import load_catalog_seed
from backend.tourism import booking
from backend.tourism.models import BlackoutDate, Capacity, TourismProduct, Venue
from backend.tourism.seed import seed_tourism

pytestmark = pytest.mark.django_db


def test_seed_creates_venues_dated_capacity_and_the_demo_staff_once():
    load_catalog_seed()
    today = booking.local_today()
    first = seed_tourism(today=today)
    assert set(Venue.objects.values_list("slug", flat=True)) == {
        "dayishan",
        "yidianyuan",
        "xiaoyi-lotus-pond",
        "yilu-tea-farm-stay",
    }
    dayishan = TourismProduct.objects.get(product__slug="dayishan-ticket")
    assert Capacity.objects.filter(tourism_product=dayishan).count() == 60
    assert dayishan.same_day_cutoff == dt.time(14, 0)
    yidianyuan = TourismProduct.objects.get(product__slug="yidianyuan-ticket")
    assert Capacity.objects.filter(tourism_product=yidianyuan).count() == 120  # two slots
    mondays = {today + dt.timedelta(days=n) for n in range(60)}
    mondays = {d for d in mondays if d.weekday() == 0}
    assert (
        set(BlackoutDate.objects.filter(tourism_product=yidianyuan).values_list("date", flat=True))
        == mondays
    )
    assert TourismProduct.objects.get(product__slug="yilu-farm-stay").booking_mode == "open_dated"
    assert TourismProduct.objects.get(
        product__slug="xiaoyi-lotus-feast-voucher"
    ).requires_visitor_names
    assert first.total("created") > 0

    again = seed_tourism(today=today)
    assert again.total("created") == 0

    client = Client()
    response = client.post(
        "/venue/login/", {"username": "gate@dayishan.example", "password": "venue-demo-2026"}
    )
    assert response.status_code == 302
    assert client.get("/venue/").status_code == 200  # two venues: the chooser
