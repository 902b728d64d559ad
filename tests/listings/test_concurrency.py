"""Two reviewers deciding the same listing at the same moment: the row lock lets one decision
through; the other sees the new state and gets INVALID_TRANSITION. One decision, one audit
entry, one SMS."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from backend.core.models import AuditLogEntry
from backend.core.permissions import Permission
from backend.listings import services
from backend.listings.models import Listing, ReviewDecision
from tests.graphql.conftest import staff_with
from tests.listings.conftest import checklist


@pytest.mark.django_db(transaction=True)
def test_parallel_decisions_decide_once(market, sms):
    product = market.product()
    services.submit_for_review(actor=market.owner, product=product)
    second_reviewer = staff_with(Permission.MANAGE_VENDORS, group_name="商品审核员")
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def decide(reviewer, approve: bool) -> None:
        try:
            barrier.wait()
            if approve:
                services.approve_listing(actor=reviewer, product=product)
            else:
                services.reject_listing(
                    actor=reviewer,
                    product=product,
                    reasons="图片与实物不符",
                    checklist=checklist("photos_truthful"),
                )
            outcomes.append("done")
        except ValidationError as error:
            outcomes.append(str(error.error_dict["state"][0].code))
        finally:
            connection.close()

    threads = [
        threading.Thread(target=decide, args=(market.reviewer, True)),
        threading.Thread(target=decide, args=(second_reviewer, False)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(outcomes) == ["INVALID_TRANSITION", "done"]
    listing = Listing.objects.get(product=product)
    assert ReviewDecision.objects.filter(listing=listing).count() == 1
    decision = ReviewDecision.objects.get(listing=listing)
    assert listing.state == {"approve": "approved", "reject": "rejected"}[decision.decision]
    assert (
        AuditLogEntry.objects.filter(action__in=["listing.approved", "listing.rejected"]).count()
        == 1
    )
    assert len(sms(market.owner.phone)) == 1
