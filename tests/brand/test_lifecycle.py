"""A licence's life: requested by the vendor, granted, suspended, reinstated, revoked, rejected;
every change in the history, the audit log and an SMS to the vendor's owners; every refusal a
typed error that writes nothing."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from backend.brand import services
from backend.brand.models import BrandLicence, LicenceEvent, LicenceStatus
from backend.core.models import AuditLogEntry
from tests.brand.conftest import in_days

pytestmark = pytest.mark.django_db


def codes(error: ValidationError) -> set[str]:
    if hasattr(error, "error_dict"):
        return {e.code for errors in error.error_dict.values() for e in errors}
    return {e.code for e in error.error_list}


def written() -> tuple[int, int, int, list]:
    return (
        BrandLicence.objects.count(),
        LicenceEvent.objects.count(),
        AuditLogEntry.objects.count(),
        list(BrandLicence.objects.order_by("pk").values()),
    )


def refused(code: str, call) -> None:
    before = written()
    with pytest.raises(ValidationError) as raised:
        call()
    assert code in codes(raised.value), raised.value
    assert written() == before, "a refused change wrote something"


def test_vendor_request_waits_for_a_brand_manager_with_a_yearly_number(world):
    licence = services.request_licence(actor=world.market.staff, product=world.rice)
    assert licence.status == LicenceStatus.REQUESTED
    assert licence.vendor == world.market.vendor
    assert licence.requested_by == world.market.staff
    year = timezone.localtime().year
    assert licence.number == f"YSYS-{year}-0001"
    second = services.request_licence(actor=world.market.owner, product=world.lotus)
    assert second.number == f"YSYS-{year}-0002"
    assert [e.action for e in licence.events.all()] == ["requested"]
    assert AuditLogEntry.objects.filter(
        action="brand_licence.requested", object_id=str(licence.pk)
    ).exists()


def test_grant_suspend_reinstate_revoke_each_recorded_and_told_to_the_vendor(
    world, sms, django_capture_on_commit_callbacks, eager_celery
):
    requested = services.request_licence(actor=world.market.owner, product=world.rice)
    until = in_days(180)
    with django_capture_on_commit_callbacks(execute=True):
        granted = services.grant_licence(actor=world.manager, licence=requested, valid_until=until)
    assert granted.status == LicenceStatus.ACTIVE and granted.valid_until == until
    assert granted.decided_by == world.manager and granted.valid_from <= timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        services.suspend_licence(actor=world.manager, licence=granted, reason="抽检不合格")
    with django_capture_on_commit_callbacks(execute=True):
        services.reinstate_licence(actor=world.manager, licence=granted, reason="复检合格")
    with django_capture_on_commit_callbacks(execute=True):
        revoked = services.revoke_licence(
            actor=world.manager, licence=granted, reason="包装不符合规范"
        )
    assert revoked.status == LicenceStatus.REVOKED and revoked.reason == "包装不符合规范"
    history = list(revoked.events.values_list("action", "status"))
    assert history == [
        ("requested", "requested"),
        ("granted", "active"),
        ("suspended", "suspended"),
        ("reinstated", "active"),
        ("revoked", "revoked"),
    ]
    audited = AuditLogEntry.objects.filter(object_id=str(revoked.pk)).order_by("pk")
    assert [e.action for e in audited][-1] == "brand_licence.revoked"
    assert audited.last().before["status"] == "active"
    texts = sms(world.market.owner.phone)
    assert len(texts) == 4, texts
    assert all("【伊山伊水】" in text for text in texts)
    assert "已获得“伊山伊水”品牌授权" in texts[0] and revoked.number in texts[0]
    assert "已暂停" in texts[1] and "抽检不合格" in texts[1]
    assert "已撤销" in texts[3] and "包装不符合规范" in texts[3]


def test_brand_manager_licenses_a_product_without_a_request(world):
    licence = world.grant(world.rice)
    assert licence.status == LicenceStatus.ACTIVE
    assert licence.requested_by is None
    assert [e.action for e in licence.events.all()] == ["granted"]


def test_rejecting_a_request_needs_a_reason_the_vendor_reads(world):
    licence = services.request_licence(actor=world.market.owner, product=world.lotus)
    refused(
        "REQUIRED",
        lambda: services.reject_licence(actor=world.manager, licence=licence, reason="  "),
    )
    rejected = services.reject_licence(actor=world.manager, licence=licence, reason="包装无标识")
    assert rejected.status == LicenceStatus.REJECTED
    # Rejected: the vendor may ask again.
    again = services.request_licence(actor=world.market.owner, product=world.lotus)
    assert again.status == LicenceStatus.REQUESTED and again.pk != licence.pk


def test_a_product_has_one_open_licence_at_a_time(world):
    services.request_licence(actor=world.market.owner, product=world.rice)
    refused(
        "LICENCE_EXISTS",
        lambda: services.request_licence(actor=world.market.owner, product=world.rice),
    )
    world.grant(world.rice)  # grants the waiting request
    refused("LICENCE_EXISTS", lambda: world.grant(world.rice))


@pytest.mark.parametrize(
    ("action", "status"),
    [
        ("suspend", LicenceStatus.REQUESTED),
        ("reinstate", LicenceStatus.ACTIVE),
        ("revoke", LicenceStatus.REQUESTED),
        ("reject", LicenceStatus.ACTIVE),
    ],
)
def test_decisions_out_of_order_are_refused_and_change_nothing(world, action, status):
    licence = services.request_licence(actor=world.market.owner, product=world.rice)
    if status == LicenceStatus.ACTIVE:
        licence = services.grant_licence(
            actor=world.manager, licence=licence, valid_until=in_days(30)
        )
    service = getattr(services, f"{action}_licence")
    refused(
        "INVALID_STATUS",
        lambda: service(actor=world.manager, licence=licence, reason="原因"),
    )


def test_granting_twice_is_refused(world):
    licence = world.grant(world.rice)
    refused(
        "INVALID_STATUS",
        lambda: services.grant_licence(
            actor=world.manager, licence=licence, valid_until=in_days(10)
        ),
    )


@pytest.mark.parametrize(
    ("start", "until", "field_code"),
    [
        (None, None, "REQUIRED"),
        (in_days(10), in_days(5), "INVALID_PERIOD"),
        (in_days(-10), in_days(-1), "INVALID_PERIOD"),
    ],
)
def test_a_window_that_is_missing_reversed_or_over_is_refused(world, start, until, field_code):
    licence = services.request_licence(actor=world.market.owner, product=world.rice)
    refused(
        field_code,
        lambda: services.grant_licence(
            actor=world.manager, licence=licence, valid_from=start, valid_until=until
        ),
    )


def test_naive_times_are_refused(world):
    licence = services.request_licence(actor=world.market.owner, product=world.rice)
    naive = timezone.make_naive(in_days(10))
    refused(
        "INVALID",
        lambda: services.grant_licence(actor=world.manager, licence=licence, valid_until=naive),
    )


def test_reinstating_after_the_window_ended_is_refused(world):
    licence = world.grant(world.rice, until=in_days(5))
    services.suspend_licence(actor=world.manager, licence=licence, reason="抽检")
    BrandLicence.objects.filter(pk=licence.pk).update(
        valid_from=in_days(-30), valid_until=in_days(-1)
    )
    refused(
        "INVALID_STATUS",
        lambda: services.reinstate_licence(actor=world.manager, licence=licence),
    )


def test_a_rolled_back_decision_tells_nobody(world, sms, django_capture_on_commit_callbacks):
    licence = world.grant(world.rice)
    with (
        django_capture_on_commit_callbacks(execute=False) as callbacks,
        pytest.raises(ValidationError),
    ):
        services.suspend_licence(actor=world.manager, licence=licence, reason="")
    assert callbacks == []
    assert sms(world.market.owner.phone) == []
