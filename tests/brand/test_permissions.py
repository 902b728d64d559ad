"""Brand managers (品牌管理员, MANAGE_BRAND) are a role of their own: they decide licences but do
not review listings or read vendors' statements; reviewers (MANAGE_VENDORS) and vendors cannot
decide licences. Checked in the services, the API and the dashboard alike."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from backend.brand import services
from backend.brand.models import BrandLicence, LicenceStatus
from backend.brand.seed import GROUP_NAME, brand_managers_group
from backend.listings import services as listing_services
from tests.brand.conftest import in_days
from tests.brand.test_graphql import api

pytestmark = pytest.mark.django_db


def test_brand_managers_group_holds_the_brand_managers_permissions(world):
    group = brand_managers_group()
    assert group.name == GROUP_NAME
    codenames = set(group.permissions.values_list("content_type__app_label", "codename"))
    assert ("brand", "manage_brand") in codenames
    assert ("discount", "manage_discounts") in codenames
    assert ("merchandising", "manage_merchandising") in codenames
    assert ("vendors", "manage_vendors") not in codenames


@pytest.mark.parametrize("who", ["reviewer", "owner", "staff", "superuser_not_staff"])
def test_only_brand_managers_decide_licences(world, who):
    from tests.factories import UserFactory

    actor = {
        "reviewer": world.market.reviewer,
        "owner": world.market.owner,
        "staff": world.market.staff,
        # Holds every permission but is no staff member: the dashboard's rule.
        "superuser_not_staff": UserFactory(is_superuser=True, is_staff=False),
    }[who]
    requested = services.request_licence(actor=world.market.owner, product=world.rice)
    with pytest.raises(ValidationError) as raised:
        services.grant_licence(actor=actor, licence=requested, valid_until=in_days(30))
    assert raised.value.code == "PERMISSION_DENIED"
    with pytest.raises(ValidationError):
        services.reject_licence(actor=actor, licence=requested, reason="不行")
    requested.refresh_from_db()
    assert requested.status == LicenceStatus.REQUESTED


def test_brand_manager_cannot_review_listings(world):
    product = world.market.product()
    listing_services.submit_for_review(actor=world.market.owner, product=product)
    with pytest.raises(ValidationError) as raised:
        listing_services.approve_listing(actor=world.manager, product=product)
    assert "PERMISSION_DENIED" in str(raised.value) or raised.value.code == "PERMISSION_DENIED"


def test_brand_manager_cannot_see_the_review_queue_or_statements(client, world):
    queue = api(client, world.manager).post("{ listingReviewQueue(first: 5) { totalCount } }")
    assert queue.json()["errors"][0]["extensions"]["exception"]["code"] == "PERMISSION_DENIED"
    statements = (
        api(client, world.manager).post("{ vendorStatements(first: 5) { totalCount } }").json()
    )
    refused = statements.get("errors") or statements["data"]["vendorStatements"]["totalCount"] == 0
    assert refused, statements


def test_brand_manager_is_no_vendor(world):
    with pytest.raises(ValidationError) as raised:
        services.request_licence(actor=world.manager, product=world.rice)
    assert raised.value.code == "NOT_VENDOR_STAFF"


@pytest.mark.parametrize(
    "url",
    [
        "admin:vendors_vendor_changelist",
        "admin:listings_listing_changelist",
        "admin:settlement_vendorstatement_changelist",
    ],
)
def test_brand_manager_dashboard_has_no_reviewer_pages(client, world, url):
    client.force_login(world.manager)
    assert client.get(reverse(url)).status_code == 403


def test_brand_manager_dashboard_opens_the_licence_queue_and_the_profile(client, world):
    requested = services.request_licence(actor=world.market.owner, product=world.lotus)
    soon = world.grant(world.rice, until=in_days(10))
    client.force_login(world.manager)
    response = client.get(reverse("admin:brand_brandlicence_changelist"))
    assert response.status_code == 200
    html = response.content.decode()
    # Requests first; one expiring within 30 days is marked.
    assert html.find(requested.number) < html.find(soon.number)
    assert "天内到期" in html
    profile = client.get(reverse("admin:brand_publicbrand_change", args=[world.shop.brand.pk]))
    assert profile.status_code == 200
    expiring = client.get(reverse("admin:brand_brandlicence_changelist"), {"expiring": "30"})
    assert soon.number in expiring.content.decode()
    assert requested.number not in expiring.content.decode()


def test_reviewer_dashboard_has_no_brand_pages(client, world):
    client.force_login(world.market.reviewer)
    assert client.get(reverse("admin:brand_brandlicence_changelist")).status_code == 403
    assert client.get(reverse("admin:brand_publicbrand_changelist")).status_code == 403


def test_dashboard_grant_action_goes_through_the_service(client, world):
    requested = services.request_licence(actor=world.market.owner, product=world.rice)
    refused = services.request_licence(actor=world.market.owner, product=world.bare)
    client.force_login(world.manager)
    response = client.post(
        reverse("admin:brand_brandlicence_changelist"),
        {
            "action": "grant_selected",
            "_selected_action": [requested.pk, refused.pk],
            "valid_until": "2099-12-31",
        },
        follow=True,
    )
    assert response.status_code == 200
    requested.refresh_from_db()
    refused.refresh_from_db()
    assert requested.status == LicenceStatus.ACTIVE
    # 2099-12-31 00:00 in Asia/Shanghai.
    assert requested.valid_until.isoformat() == "2099-12-30T16:00:00+00:00"
    assert refused.status == LicenceStatus.REQUESTED  # no certificate: the service refused
    assert "不能授权" in response.content.decode()


def test_dashboard_suspend_without_reason_changes_nothing(client, world):
    licence = world.grant(world.rice)
    client.force_login(world.manager)
    client.post(
        reverse("admin:brand_brandlicence_changelist"),
        {"action": "suspend_selected", "_selected_action": [licence.pk], "reason": ""},
    )
    assert BrandLicence.objects.get().status == LicenceStatus.ACTIVE
