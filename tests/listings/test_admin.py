"""The review queue on the staff dashboard: reviewers see it and decide through the actions
(with the checklist and reasons typed in the action bar); vendor staff cannot open it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from backend.listings import services
from backend.listings.models import CertificateKind, Listing, ReviewDecision
from tests.listings.conftest import certificate, checklist

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:listings_listing_changelist"


def test_reviewer_sees_the_queue_and_the_listing(market, client):
    product = market.product(product_type=market.packaged)
    certificate(product, CertificateKind.INSPECTION_REPORT, number="JC-001")
    listing = Listing.objects.get(product=product)
    client.force_login(market.reviewer)
    page = client.get(reverse(CHANGELIST), {"state__exact": "draft"}).content.decode()
    assert product.name in page
    page = client.get(reverse("admin:listings_listing_change", args=[listing.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "JC-001" in text and "食品生产许可证" in text  # on file / missing
    assert client.get(reverse("admin:listings_productcertificate_changelist")).status_code == 200


def test_vendor_staff_cannot_open_the_queue(market, client):
    market.owner.is_staff = True
    market.owner.save()
    client.force_login(market.owner)
    assert client.get(reverse(CHANGELIST)).status_code == 403


def test_reject_and_approve_through_the_actions(market, client):
    product = market.product()
    services.submit_for_review(actor=market.owner, product=product)
    listing = Listing.objects.get(product=product)
    client.force_login(market.reviewer)
    results = checklist("net_content", na=("photos_truthful",))
    client.post(
        reverse(CHANGELIST),
        {
            "action": "reject_selected",
            "_selected_action": [listing.pk],
            "reasons": "净含量不符",
            **results,
        },
    )
    listing.refresh_from_db()
    assert listing.state == "rejected"
    decision = ReviewDecision.objects.get()
    assert decision.reasons == "净含量不符" and decision.checklist == results
    services.submit_for_review(actor=market.owner, product=product)
    response = client.post(
        reverse(CHANGELIST),
        {"action": "approve_selected", "_selected_action": [listing.pk]},
        follow=True,
    )
    listing.refresh_from_db()
    assert listing.state == "approved"
    assert "已通过 1 个商品" in response.content.decode()
