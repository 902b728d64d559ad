"""Spot checks (网货质量抽查): a failure suspends the listing and the brand licence at once, tells
the vendor and the brand manager and opens a recall — all in one transaction."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from backend.brand.models import BrandLicence, LicenceStatus
from backend.catalog.models import ProductChannelListing
from backend.core.models import AuditLogEntry
from backend.listings.models import ListingState
from backend.trace import recalls
from backend.trace.models import BatchStatus, Recall, SpotCheck, TraceEvent

pytestmark = pytest.mark.django_db


def codes(error: ValidationError) -> dict[str, str]:
    return {field: errors[0].code for field, errors in error.error_dict.items()}


def state(world) -> tuple:
    listing = world.product.listing
    listing.refresh_from_db()
    licence = BrandLicence.objects.get(product=world.product)
    published = ProductChannelListing.objects.filter(product=world.product, is_published=True)
    return (listing.state, licence.status, published.exists())


def fail(world, batch, **kw):
    return recalls.record_spot_check(
        actor=kw.pop("actor", world.inspector),
        batch=batch,
        sample="东王集大米 5kg（县电商中心仓随机抽样）",
        lab="连云港市产品质量监督检验所",
        result="fail",
        values=[{"item": "镉", "value": "0.35 mg/kg", "limit": "≤0.2 mg/kg"}],
        note="镉超标",
        **kw,
    )


def test_a_failed_check_suspends_listing_and_licence_and_opens_a_recall(
    trace_world, sms, django_capture_on_commit_callbacks, eager_celery
):
    batch = trace_world.batch("SC-1")
    assert state(trace_world) == (ListingState.APPROVED, LicenceStatus.ACTIVE, True)
    with django_capture_on_commit_callbacks(execute=True):
        check = fail(trace_world, batch)
    assert state(trace_world) == (ListingState.SUSPENDED, LicenceStatus.SUSPENDED, False)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.RECALLED
    recall = Recall.objects.get(batch=batch)
    assert recall.spot_check == check and "镉超标" in recall.reason
    steps = list(TraceEvent.objects.filter(batch=batch).values_list("biz_step", flat=True))
    assert steps[-2:] == ["sampling", "holding"]
    owner_texts = sms(str(trace_world.owner.phone))
    assert any("抽查不合格" in text and "暂停销售" in text for text in owner_texts)
    assert any("抽查不合格" in text for text in sms(str(trace_world.manager.phone)))
    actions = set(AuditLogEntry.objects.values_list("action", flat=True))
    assert {
        "trace.spot_check_recorded",
        "listing.suspended",
        "brand_licence.suspended",
        "trace.recall_opened",
    } <= actions


def test_a_failed_check_that_cannot_open_its_recall_changes_nothing(trace_world, sms):
    """The recall is refused (one is already open for the batch) after the listing and the
    licence were suspended inside the transaction: everything is rolled back together."""
    batch = trace_world.batch("SC-2")
    recalls.open_recall(actor=trace_world.inspector, batch=batch, reason="先行召回")
    batch.refresh_from_db()
    events = batch.events_count
    audit = AuditLogEntry.objects.count()
    with pytest.raises(ValidationError) as raised:
        fail(trace_world, batch)
    assert codes(raised.value) == {"batch": "ALREADY_RECALLED"}
    assert state(trace_world) == (ListingState.APPROVED, LicenceStatus.ACTIVE, True)
    assert not SpotCheck.objects.exists()
    batch.refresh_from_db()
    assert batch.events_count == events
    assert AuditLogEntry.objects.count() == audit
    assert not any("抽查不合格" in t for t in sms(str(trace_world.owner.phone)))


def test_only_inspectors_record_spot_checks(trace_world):
    batch = trace_world.batch("SC-3")
    for actor in (trace_world.owner, trace_world.manager, trace_world.market.reviewer):
        with pytest.raises(ValidationError) as raised:
            fail(trace_world, batch, actor=actor)
        assert raised.value.code == "PERMISSION_DENIED"
    assert not SpotCheck.objects.exists()
    assert state(trace_world) == (ListingState.APPROVED, LicenceStatus.ACTIVE, True)


def test_bad_input_gets_typed_errors_and_writes_nothing(trace_world):
    batch = trace_world.batch("SC-4")
    cases = [
        ({"batch": None}, "batch", "NOT_FOUND"),
        ({"sample": " "}, "sample", "REQUIRED"),
        ({"result": "maybe"}, "result", "INVALID"),
        ({"note": ""}, "note", "REQUIRED"),
        ({"sampled_at": "tomorrow"}, "sampled_at", "INVALID_DATE"),
        ({"values": "镉"}, "values", "INVALID"),
    ]
    for change, field, code in cases:
        args = {
            "actor": trace_world.inspector,
            "batch": batch,
            "sample": "样品",
            "lab": "检测所",
            "result": "fail",
            "note": "不合格",
            **change,
        }
        with pytest.raises(ValidationError) as raised:
            recalls.record_spot_check(**args)
        assert codes(raised.value) == {field: code}, change
    assert not SpotCheck.objects.exists()


def test_a_passed_check_changes_nothing_on_sale(trace_world):
    batch = trace_world.batch("SC-5")
    recalls.record_spot_check(
        actor=trace_world.inspector, batch=batch, sample="样品", lab="检测所", result="pass"
    )
    assert state(trace_world) == (ListingState.APPROVED, LicenceStatus.ACTIVE, True)
    assert not Recall.objects.exists()


def test_a_suspended_listing_goes_back_on_sale_only_through_review(trace_world):
    from backend.listings import services as listing_services

    batch = trace_world.batch("SC-6")
    fail(trace_world, batch)
    product = trace_world.product
    listing_services.submit_for_review(actor=trace_world.owner, product=product)
    product.listing.refresh_from_db()
    assert product.listing.state == ListingState.SUBMITTED
    listing_services.approve_listing(actor=trace_world.market.reviewer, product=product)
    assert state(trace_world)[::2] == (ListingState.APPROVED, True)
