"""Redeeming a voucher at the venue (核销), and undoing a redemption made by mistake.

Checks, in this order: the code's check character (a mistyped code never reaches the database
as a lookup of someone else's voucher), the voucher exists and belongs to the staff's venue
(another venue's voucher is reported exactly like a missing one: staff of venue A learn nothing
about venue B), not refunded, inside its validity window (Asia/Shanghai), uses left.

Atomic and idempotent: the voucher row is locked FOR UPDATE, so the same code redeemed from two
phones at the same moment succeeds once (the second sees no uses left). A request retried with
the same idempotency key returns the first redemption and changes nothing.

Every attempt is logged (`RedemptionAttempt`), successes and failures alike, in its own
transaction so a refusal is recorded although the redemption wrote nothing. An account with
`REDEMPTION_FAILURE_LIMIT` wrong codes (not a code, or not one of the venue's) within
`REDEMPTION_FAILURE_WINDOW` is refused until the window has passed: guessing codes at the gate
is slow by design, while a real voucher refused (used up, expired) does not count.

Undo: within `UNDO_WINDOW` of the redemption, by staff of the same venue, with a reason, at most
`UNDO_LIMIT` times per voucher; the use comes back.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from backend.core import audit
from backend.tourism import codes
from backend.tourism.error_codes import TourismErrorCode
from backend.tourism.models import (
    RedemptionAttempt,
    TourismRedemption,
    TourismVoucher,
    TourismVoucherStatus,
    Venue,
)

REDEMPTION_FAILURE_LIMIT = 10
REDEMPTION_FAILURE_WINDOW = dt.timedelta(minutes=10)
UNDO_WINDOW = dt.timedelta(minutes=10)
UNDO_LIMIT = 2
OUTCOME_REDEEMED = "redeemed"
OUTCOME_UNDONE = "undone"


class RedemptionError(ValidationError):
    def __init__(self, field: str, message: str, code: str):
        super().__init__({field: ValidationError(message, code=code)})
        self.code_value = code
        self.desk_message = message
        self.field = field


@dataclass(frozen=True)
class Redeemed:
    voucher: TourismVoucher
    redemption: TourismRedemption
    repeated: bool


def venues_of(user):
    """The venues `user` works at (none for anonymous users)."""
    if not getattr(user, "is_authenticated", False):
        return Venue.objects.none()
    return Venue.objects.filter(staff_memberships__user=user, is_active=True)


def staffed_venue(*, user, venue_id) -> Venue:
    venue = venues_of(user).filter(pk=venue_id).first() if str(venue_id).isdigit() else None
    if venue is None:
        raise RedemptionError("venue", _("没有找到该场所。"), TourismErrorCode.NOT_FOUND)
    return venue


def _log(user, venue, code: str, outcome: str, voucher=None) -> None:
    RedemptionAttempt.objects.create(
        user=user if getattr(user, "is_authenticated", False) else None,
        venue=venue,
        code=code[:64],
        voucher=voucher,
        outcome=outcome,
    )


# The refusals that look like guessing: a code that is not one, or none of this venue's. A real
# voucher refused (used up, expired, refunded) is the visitor's problem, not a guess.
GUESSES = (TourismErrorCode.INVALID_CODE, TourismErrorCode.WRONG_VENUE)


def _throttled(user, now: dt.datetime) -> bool:
    failures = RedemptionAttempt.objects.filter(
        user=user, at__gte=now - REDEMPTION_FAILURE_WINDOW, outcome__in=GUESSES
    ).count()
    return failures >= REDEMPTION_FAILURE_LIMIT


def find_for_venue(venue: Venue, text: str) -> TourismVoucher:
    """The voucher of `text` (typed or scanned) at `venue`; RedemptionError otherwise."""
    code = codes.normalize(text)
    if not code:
        raise RedemptionError("code", _("请输入或扫描券码。"), TourismErrorCode.REQUIRED)
    if not codes.is_valid(code):
        raise RedemptionError(
            "code", _("券码有误，请核对后重新输入。"), TourismErrorCode.INVALID_CODE
        )
    voucher = (
        TourismVoucher.objects.select_related("tourism_product", "venue")
        .filter(code=code, venue=venue)
        .first()
    )
    if voucher is None:
        raise RedemptionError("code", _("本场所没有这张券。"), TourismErrorCode.WRONG_VENUE)
    return voucher


def _check_usable(voucher: TourismVoucher, now: dt.datetime) -> None:
    if voucher.status == TourismVoucherStatus.REFUNDED:
        raise RedemptionError("code", _("这张券已退款。"), TourismErrorCode.REFUNDED)
    if voucher.status == TourismVoucherStatus.EXPIRED or now >= voucher.valid_until:
        raise RedemptionError("code", _("这张券已过期。"), TourismErrorCode.EXPIRED)
    if now < voucher.valid_from:
        local = voucher.valid_from.astimezone(dt.timezone(dt.timedelta(hours=8)))
        raise RedemptionError(
            "code",
            _("这张券 %(date)s 起才能使用。") % {"date": local.strftime("%Y-%m-%d")},
            TourismErrorCode.NOT_YET_VALID,
        )
    if voucher.uses_left <= 0:
        raise RedemptionError(
            "code", _("这张券已用完，不能再次核销。"), TourismErrorCode.NO_USES_LEFT
        )


def lookup(*, user, venue: Venue, code: str) -> TourismVoucher:
    """What a scanned or typed code is for, before redeeming; a refusal is logged and counts
    towards the throttle like a failed redemption (looking codes up is guessing them too)."""
    if _throttled(user, timezone.now()):
        _log(user, venue, code, TourismErrorCode.TOO_MANY_ATTEMPTS)
        raise RedemptionError(
            "code", _("失败次数过多，请 10 分钟后再试。"), TourismErrorCode.TOO_MANY_ATTEMPTS
        )
    try:
        return find_for_venue(venue, code)
    except RedemptionError as error:
        _log(user, venue, codes.normalize(code), error.code_value)
        raise


def redeem(*, user, venue: Venue, code: str, idempotency_key: str = "") -> Redeemed:
    """Use one of the voucher's uses. Raises RedemptionError (logged) on refusal."""
    key = (idempotency_key or "").strip()[:64]
    now = timezone.now()
    if _throttled(user, now):
        _log(user, venue, code, TourismErrorCode.TOO_MANY_ATTEMPTS)
        raise RedemptionError(
            "code",
            _("失败次数过多，请 10 分钟后再试。"),
            TourismErrorCode.TOO_MANY_ATTEMPTS,
        )
    if key:
        previous = (
            TourismRedemption.objects.select_related("voucher")
            .filter(staff=user, idempotency_key=key)
            .first()
        )
        if previous is not None:
            return Redeemed(previous.voucher, previous, True)
    try:
        with transaction.atomic():
            found = find_for_venue(venue, code)
            voucher = (
                TourismVoucher.objects.select_for_update()
                .select_related("tourism_product", "venue")
                .get(pk=found.pk)
            )
            _check_usable(voucher, now)
            redemption = TourismRedemption.objects.create(
                voucher=voucher, venue=venue, staff=user, redeemed_at=now, idempotency_key=key
            )
            before = {"uses_count": voucher.uses_count, "status": voucher.status}
            voucher.uses_count += 1
            if voucher.uses_left == 0:
                voucher.status = TourismVoucherStatus.REDEEMED
                voucher.status_changed_at = now
            voucher.save(update_fields=["uses_count", "status", "status_changed_at"])
            audit.record(
                actor=user,
                action="tourism.voucher_redeemed",
                instance=voucher,
                before=before,
                after={"uses_count": voucher.uses_count, "status": voucher.status},
            )
            _log(user, venue, voucher.code, OUTCOME_REDEEMED, voucher)
    except RedemptionError as error:
        _log(user, venue, codes.normalize(code), error.code_value)
        raise
    except IntegrityError:
        # The same key raced in from a retry: the first request's redemption stands.
        previous = TourismRedemption.objects.select_related("voucher").get(
            staff=user, idempotency_key=key
        )
        return Redeemed(previous.voucher, previous, True)
    return Redeemed(voucher, redemption, False)


def undo(*, user, redemption_id, reason: str) -> TourismRedemption:
    """Undo a redemption made at one of the user's venues within the window."""
    reason = (reason or "").strip()
    if not reason:
        raise RedemptionError("reason", _("请填写撤销原因。"), TourismErrorCode.REQUIRED)
    if len(reason) > 200:
        raise RedemptionError("reason", _("撤销原因最多 200 个字。"), TourismErrorCode.INVALID)
    now = timezone.now()
    with transaction.atomic():
        redemption = (
            TourismRedemption.objects.filter(
                pk=redemption_id if str(redemption_id).isdigit() else 0,
                venue__in=venues_of(user),
            )
            .select_related("venue")
            .first()
        )
        if redemption is None:
            raise RedemptionError("id", _("没有找到这条核销记录。"), TourismErrorCode.NOT_FOUND)
        voucher = TourismVoucher.objects.select_for_update().get(pk=redemption.voucher_id)
        redemption = TourismRedemption.objects.select_for_update().get(pk=redemption.pk)
        if redemption.undone_at is not None:
            raise RedemptionError("id", _("这次核销已撤销。"), TourismErrorCode.ALREADY_UNDONE)
        if now - redemption.redeemed_at > UNDO_WINDOW:
            raise RedemptionError(
                "id",
                _("核销超过 10 分钟，不能撤销；请联系平台客服。"),
                TourismErrorCode.UNDO_WINDOW_PASSED,
            )
        undone = voucher.redemptions.filter(undone_at__isnull=False).count()
        if undone >= UNDO_LIMIT:
            raise RedemptionError(
                "id",
                _("这张券已撤销过 %(limit)s 次，不能再撤销。") % {"limit": UNDO_LIMIT},
                TourismErrorCode.UNDO_LIMIT_REACHED,
            )
        if voucher.status == TourismVoucherStatus.REFUNDED:
            raise RedemptionError("id", _("这张券已退款。"), TourismErrorCode.REFUNDED)
        redemption.undone_at = now
        redemption.undone_by = user
        redemption.undo_reason = reason
        redemption.save(update_fields=["undone_at", "undone_by", "undo_reason"])
        before = {"uses_count": voucher.uses_count, "status": voucher.status}
        voucher.uses_count -= 1
        voucher.status = (
            TourismVoucherStatus.EXPIRED
            if now >= voucher.valid_until
            else TourismVoucherStatus.VALID
        )
        voucher.status_changed_at = now
        voucher.save(update_fields=["uses_count", "status", "status_changed_at"])
        audit.record(
            actor=user,
            action="tourism.redemption_undone",
            instance=voucher,
            before=before,
            after={"uses_count": voucher.uses_count, "status": voucher.status, "reason": reason},
        )
        _log(user, redemption.venue, voucher.code, OUTCOME_UNDONE, voucher)
    return redemption


def voucher_query_for_staff(user):
    """Vouchers a venue's staff may see: those of their venues only."""
    return TourismVoucher.objects.filter(venue__in=venues_of(user))
