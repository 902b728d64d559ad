"""The listing state machine: every (state, action) pair, allowed and forbidden.

States include the two shapes of an approved listing (with and without a pending revision) and
a submitted revision, since those behave differently. A forbidden pair answers
INVALID_TRANSITION and writes nothing."""

from __future__ import annotations

import itertools

import pytest
from django.core.exceptions import ValidationError

from backend.core.models import AuditLogEntry
from backend.listings import services
from backend.listings.models import (
    Listing,
    ListingRevision,
    ListingState,
    ProductCertificate,
    ReviewDecision,
    RevisionStatus,
)
from backend.listings.services import ACTIONS, TRANSITIONS
from tests.listings.conftest import checklist

pytestmark = pytest.mark.django_db

FAILING_LABEL = checklist("labelling")


def _draft(m):
    return m.product()


def _submitted(m):
    product = m.product()
    services.submit_for_review(actor=m.owner, product=product)
    return product


def _approved(m):
    return m.approved()


def _rejected(m):
    product = _submitted(m)
    services.reject_listing(
        actor=m.reviewer, product=product, reasons="标签缺少生产日期", checklist=FAILING_LABEL
    )
    return product


def _approved_with_revision(m):
    product = m.approved()
    services.update_vendor_product(actor=m.owner, product=product, name="改名后的粉丝")
    return product


def _revision_submitted(m):
    product = _approved_with_revision(m)
    services.submit_for_review(actor=m.owner, product=product)
    return product


def _suspended(m):
    """Taken off sale after a failed quality spot check (issue #14)."""
    product = m.approved()
    services.suspend_listing(actor=m.reviewer, product=product, reason="抽查不合格")
    return product


SETUPS = {
    "draft": (_draft, ListingState.DRAFT),
    "submitted": (_submitted, ListingState.SUBMITTED),
    "approved": (_approved, ListingState.APPROVED),
    "approved_with_revision": (_approved_with_revision, ListingState.APPROVED),
    "rejected": (_rejected, ListingState.REJECTED),
    "revision_submitted": (_revision_submitted, ListingState.SUBMITTED),
    "suspended": (_suspended, ListingState.SUSPENDED),
}


def _act(m, product, action):
    if action == "submit":
        return services.submit_for_review(actor=m.owner, product=product)
    if action == "approve":
        return services.approve_listing(actor=m.reviewer, product=product)
    if action == "reject":
        return services.reject_listing(
            actor=m.reviewer, product=product, reasons="净含量与标签不符", checklist=FAILING_LABEL
        )
    assert action == "edit"
    return services.update_vendor_product(actor=m.owner, product=product, name="又改了名字")


# (setup, action) → the state afterwards, or None when the pair is forbidden.
EXPECTED = {
    ("draft", "submit"): ListingState.SUBMITTED,
    ("draft", "approve"): None,
    ("draft", "reject"): None,
    ("draft", "edit"): ListingState.DRAFT,
    ("submitted", "submit"): None,
    ("submitted", "approve"): ListingState.APPROVED,
    ("submitted", "reject"): ListingState.REJECTED,
    ("submitted", "edit"): None,
    ("approved", "submit"): None,  # nothing pending to submit
    ("approved", "approve"): None,
    ("approved", "reject"): None,
    ("approved", "edit"): ListingState.APPROVED,  # into a pending revision
    ("approved_with_revision", "submit"): ListingState.SUBMITTED,
    ("approved_with_revision", "approve"): None,
    ("approved_with_revision", "reject"): None,
    ("approved_with_revision", "edit"): ListingState.APPROVED,
    ("rejected", "submit"): ListingState.SUBMITTED,
    ("rejected", "approve"): None,
    ("rejected", "reject"): None,
    ("rejected", "edit"): ListingState.REJECTED,
    ("revision_submitted", "submit"): None,
    ("revision_submitted", "approve"): ListingState.APPROVED,  # revision applied
    ("revision_submitted", "reject"): ListingState.APPROVED,  # approved version stays
    ("revision_submitted", "edit"): None,
    # Suspended: fixed (edited directly, it is off sale) and reviewed again.
    ("suspended", "submit"): ListingState.SUBMITTED,
    ("suspended", "approve"): None,
    ("suspended", "reject"): None,
    ("suspended", "edit"): ListingState.SUSPENDED,
}


def test_the_table_covers_every_pair():
    assert set(EXPECTED) == set(itertools.product(SETUPS, ACTIONS))
    # And agrees with the services' own table on the plain states.
    for state in ListingState.values:
        for action in ACTIONS:
            setup = {"approved": "approved_with_revision"}.get(state, state)
            allowed = EXPECTED[(setup, action)] is not None
            assert ((state, action) in TRANSITIONS) == allowed, (state, action)


@pytest.mark.parametrize(("setup", "action"), sorted(EXPECTED))
def test_transition(market, setup, action, django_capture_on_commit_callbacks):
    make, state = SETUPS[setup]
    # Processed food is not involved: grain needs no documents, so only the machine decides.
    product = make(market)
    listing = Listing.objects.get(product=product)
    assert listing.state == state
    expected = EXPECTED[(setup, action)]
    counts = (
        AuditLogEntry.objects.count(),
        ReviewDecision.objects.count(),
        ListingRevision.objects.count(),
        ProductCertificate.objects.count(),
    )
    name = product.name
    if expected is None:
        with pytest.raises(ValidationError) as raised:
            _act(market, product, action)
        assert raised.value.error_dict["state"][0].code == "INVALID_TRANSITION"
        listing.refresh_from_db()
        product.refresh_from_db()
        assert listing.state == state
        assert product.name == name
        assert counts == (
            AuditLogEntry.objects.count(),
            ReviewDecision.objects.count(),
            ListingRevision.objects.count(),
            ProductCertificate.objects.count(),
        )
        return
    with django_capture_on_commit_callbacks(execute=True):
        _act(market, product, action)
    listing.refresh_from_db()
    product.refresh_from_db()
    assert listing.state == expected
    assert AuditLogEntry.objects.count() > counts[0]
    published = product.channel_listings.filter(is_published=True).exists()
    if setup == "revision_submitted":
        revision = listing.revisions.get()
        assert not listing.has_pending_revision
        if action == "approve":
            assert revision.status == RevisionStatus.APPROVED
            assert product.name == "改名后的粉丝"
        else:
            assert revision.status == RevisionStatus.REJECTED
            assert product.name == "红薯粉丝"
        assert published
    elif action == "edit" and state == ListingState.APPROVED:
        assert listing.has_pending_revision
        assert product.name == "红薯粉丝"  # the approved version stays
        assert listing.revisions.get(status=RevisionStatus.PENDING).changes["name"] == "又改了名字"
    elif action == "edit":
        assert product.name == "又改了名字"
    elif expected == ListingState.APPROVED:
        assert published
    elif expected in (ListingState.SUBMITTED, ListingState.REJECTED):
        assert published == (setup == "approved_with_revision")


def test_rejected_listing_can_be_fixed_and_approved(market):
    product = _rejected(market)
    services.update_vendor_product(actor=market.owner, product=product, description="补充生产日期")
    services.submit_for_review(actor=market.owner, product=product)
    services.approve_listing(actor=market.reviewer, product=product)
    listing = Listing.objects.get(product=product)
    assert listing.state == ListingState.APPROVED
    assert [d.decision for d in listing.decisions.order_by("pk")] == ["reject", "approve"]
