"""Drafting, issuing and paying vendor statements, each in one transaction with an audit entry.

Every service locks the vendor row first and the statement second, so two drafts or issues of
the same vendor run one after the other, see each other's work and produce one statement
(the unique (vendor, period) constraint is the backstop). Lines come from `collection.py`.

- draft: collects every sale and refund share of the vendor not yet on a statement, up to the
  period's end (older unsettled ones included, so nothing is ever left behind); drafting again
  replaces the collected lines and keeps manual adjustments.
- issue: collects once more with the vendor's commission rate at that moment, stores the
  rate and freezes the statement (database triggers refuse any later change of its lines or
  totals). A refund made after that goes to the vendor's next statement.
- mark paid: the service centre records the bank transfer's reference.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from backend.core import audit
from backend.core.money import quantize_fen
from backend.settlement import periods
from backend.settlement.allocation import ZERO
from backend.settlement.collection import unsettled_lines
from backend.settlement.error_codes import SettlementErrorCode as Code
from backend.settlement.models import (
    StatementLine,
    StatementLineKind,
    StatementStatus,
    VendorStatement,
)
from backend.vendors.models import Vendor, VendorStatus
from backend.vendors.scoping import can_manage_vendors

TOTAL_FIELDS = (
    "gross_amount",
    "refund_amount",
    "discount_amount",
    "commission_amount",
    "adjustment_amount",
    "net_amount",
    "line_count",
    "commission_rate",
)
MAX_ADJUSTMENT = Decimal("10000000")


def _error(field: str | None, message: str, code: str) -> ValidationError:
    if field is None:
        return ValidationError(message, code=code)
    return ValidationError({field: ValidationError(message, code=code)})


def _require_manager(actor) -> None:
    if not can_manage_vendors(actor):
        raise _error(None, _("只有服务中心管理商家的员工可以这样做。"), Code.PERMISSION_DENIED)


def _totals(statement: VendorStatement) -> dict:
    return {field: str(getattr(statement, field)) for field in TOTAL_FIELDS}


def compute_totals(statement: VendorStatement, lines: list[StatementLine]) -> None:
    """Set the statement's totals from its lines: net = gross − refunds − vendor-funded
    discounts − commission + adjustments, which equals the sum of the lines' `net`."""
    sales = [line for line in lines if line.kind == StatementLineKind.SALE]
    refunds = [line for line in lines if line.kind == StatementLineKind.REFUND]
    adjustments = [line for line in lines if line.kind == StatementLineKind.ADJUSTMENT]
    statement.gross_amount = quantize_fen(sum((line.amount for line in sales), ZERO))
    statement.refund_amount = quantize_fen(sum((line.amount for line in refunds), ZERO))
    statement.discount_amount = quantize_fen(sum((line.discount for line in sales), ZERO))
    statement.commission_amount = quantize_fen(sum((line.commission for line in lines), ZERO))
    statement.adjustment_amount = quantize_fen(sum((line.amount for line in adjustments), ZERO))
    statement.net_amount = (
        statement.gross_amount
        - statement.refund_amount
        - statement.discount_amount
        - statement.commission_amount
        + statement.adjustment_amount
    )
    statement.line_count = len(lines)


def _check_period(period_start, period_end) -> None:
    if not isinstance(period_start, dt.date) or not isinstance(period_end, dt.date):
        raise _error("period", _("请提供账期的开始和结束日期。"), Code.INVALID_PERIOD)
    if period_end < period_start:
        raise _error("period", _("账期结束日期早于开始日期。"), Code.INVALID_PERIOD)
    if (period_end - period_start).days > 366:
        raise _error("period", _("账期不能超过一年。"), Code.INVALID_PERIOD)


def _collect(statement: VendorStatement, vendor: Vendor) -> list[StatementLine]:
    """Replace the draft's collected lines by what is unsettled now; keep its adjustments."""
    # One DELETE statement: the lines have no dependants and no signals, and Django's
    # collector would load them and delete them a hundred at a time.
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {StatementLine._meta.db_table} WHERE statement_id = %s AND kind <> %s",
            [statement.pk, StatementLineKind.ADJUSTMENT.value],
        )
    until = periods.bounds(statement.period_start, statement.period_end)[1]
    statement.commission_rate = vendor.commission_rate
    collected = unsettled_lines(vendor, until=until, rate=vendor.commission_rate)
    for line in collected:
        line.statement = statement
    StatementLine.objects.bulk_create(collected, batch_size=1000)
    lines = collected + list(statement.lines.filter(kind=StatementLineKind.ADJUSTMENT))
    compute_totals(statement, lines)
    statement.drafted_at = timezone.now()
    statement.save()
    return lines


@transaction.atomic
def draft_statement(
    *, vendor: Vendor, period_start: dt.date, period_end: dt.date, actor
) -> VendorStatement:
    """Draft (or redraft) the vendor's statement for the period. `actor` None: the monthly
    task; otherwise service-centre staff (MANAGE_VENDORS)."""
    if actor is not None:
        _require_manager(actor)
    _check_period(period_start, period_end)
    vendor = Vendor.objects.select_for_update().get(pk=vendor.pk)
    statement = (
        VendorStatement.objects.select_for_update()
        .filter(vendor=vendor, period_start=period_start, period_end=period_end)
        .first()
    )
    if statement is not None and statement.status != StatementStatus.DRAFT:
        raise _error(None, _("该账期的对账单已出账，不能重新生成。"), Code.NOT_DRAFT)
    overlapping = VendorStatement.objects.filter(
        vendor=vendor, period_start__lte=period_end, period_end__gte=period_start
    )
    if statement is not None:
        overlapping = overlapping.exclude(pk=statement.pk)
    if overlapping.exists():
        raise _error("period", _("该账期与本商家已有的对账单重叠。"), Code.PERIOD_OVERLAPS)
    created = statement is None
    if statement is None:
        statement = VendorStatement.objects.create(
            vendor=vendor, period_start=period_start, period_end=period_end
        )
    before = None if created else _totals(statement)
    _collect(statement, vendor)
    audit.record(
        actor=actor,
        action="settlement.statement_drafted" if created else "settlement.statement_redrafted",
        instance=statement,
        before=before,
        after={
            **_totals(statement),
            "period_start": period_start,
            "period_end": period_end,
        },
    )
    return statement


def _lock(statement: VendorStatement) -> tuple[Vendor, VendorStatement]:
    vendor = Vendor.objects.select_for_update().get(pk=statement.vendor_id)
    return vendor, VendorStatement.objects.select_for_update().get(pk=statement.pk)


@transaction.atomic
def redraft_statement(*, statement: VendorStatement, actor) -> VendorStatement:
    """Collect a draft again (new deliveries and refunds since it was drafted)."""
    _require_manager(actor)
    vendor, locked = _lock(statement)
    if locked.status != StatementStatus.DRAFT:
        raise _error(None, _("对账单已出账，明细不能再变动。"), Code.NOT_DRAFT)
    return draft_statement(
        vendor=vendor, period_start=locked.period_start, period_end=locked.period_end, actor=actor
    )


@transaction.atomic
def issue_statement(*, statement: VendorStatement, actor) -> VendorStatement:
    """Collect a last time at the vendor's current commission rate, then freeze."""
    _require_manager(actor)
    vendor, locked = _lock(statement)
    if locked.status != StatementStatus.DRAFT:
        raise _error(None, _("对账单已出账。"), Code.NOT_DRAFT)
    until = periods.bounds(locked.period_start, locked.period_end)[1]
    if timezone.now() < until:
        raise _error("period", _("账期尚未结束，结束后才能出账。"), Code.PERIOD_NOT_ENDED)
    _collect(locked, vendor)
    locked.status = StatementStatus.ISSUED
    locked.issued_at = timezone.now()
    locked.issued_by = actor
    locked.save(update_fields=["status", "issued_at", "issued_by"])
    audit.record(
        actor=actor,
        action="settlement.statement_issued",
        instance=locked,
        before={"status": StatementStatus.DRAFT},
        after={"status": locked.status, **_totals(locked)},
    )
    return locked


@transaction.atomic
def mark_statement_paid(
    *, statement: VendorStatement, payment_reference: str, actor, paid_at=None
) -> VendorStatement:
    """Record that the service centre paid an issued statement (bank transfer reference)."""
    _require_manager(actor)
    reference = (payment_reference or "").strip()
    if not reference:
        raise _error("paymentReference", _("请填写付款凭证号。"), Code.REQUIRED)
    if len(reference) > VendorStatement._meta.get_field("payment_reference").max_length:  # type: ignore[operator]
        raise _error("paymentReference", _("付款凭证号过长。"), Code.INVALID)
    locked = _lock(statement)[1]
    if locked.status != StatementStatus.ISSUED:
        message = (
            _("对账单已登记付款。")
            if locked.status == StatementStatus.PAID
            else _("对账单尚未出账，不能登记付款。")
        )
        raise _error(None, message, Code.NOT_ISSUED)
    locked.status = StatementStatus.PAID
    locked.paid_at = paid_at or timezone.now()
    locked.paid_by = actor
    locked.payment_reference = reference
    locked.save(update_fields=["status", "paid_at", "paid_by", "payment_reference"])
    audit.record(
        actor=actor,
        action="settlement.statement_paid",
        instance=locked,
        before={"status": StatementStatus.ISSUED},
        after={
            "status": locked.status,
            "payment_reference": reference,
            "net_amount": str(locked.net_amount),
        },
    )
    return locked


def _adjustment_amount(value) -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError) as error:
        raise _error("amount", _("金额无效。"), Code.INVALID) from error
    if not amount.is_finite() or amount == 0 or abs(amount) >= MAX_ADJUSTMENT:
        raise _error("amount", _("调整金额必须不为零且在合理范围内。"), Code.INVALID)
    if quantize_fen(amount) != amount:
        raise _error("amount", _("金额最多两位小数。"), Code.INVALID)
    return quantize_fen(amount)


@transaction.atomic
def add_adjustment(*, statement: VendorStatement, amount, reason: str, actor) -> StatementLine:
    """A manual line on a draft (e.g. a damaged-goods compensation agreed with the vendor):
    positive adds to what the vendor is paid, negative deducts. No commission on it."""
    _require_manager(actor)
    value = _adjustment_amount(amount)
    reason = (reason or "").strip()
    if not reason:
        raise _error("reason", _("请填写调整原因。"), Code.REQUIRED)
    if len(reason) > 255:
        raise _error("reason", _("原因过长。"), Code.INVALID)
    locked = _lock(statement)[1]
    if locked.status != StatementStatus.DRAFT:
        raise _error(None, _("对账单已出账，明细不能再变动。"), Code.NOT_DRAFT)
    line = StatementLine.objects.create(
        statement=locked,
        kind=StatementLineKind.ADJUSTMENT,
        amount=value,
        net=value,
        occurred_at=timezone.now(),
        note=reason,
    )
    before = _totals(locked)
    compute_totals(locked, list(locked.lines.all()))
    locked.save()
    audit.record(
        actor=actor,
        action="settlement.statement_adjusted",
        instance=locked,
        before=before,
        after={**_totals(locked), "adjustment": str(value), "reason": reason},
    )
    return line


def draft_last_month(now: dt.datetime | None = None) -> list[VendorStatement]:
    """Draft last month's statement of every active vendor; idempotent: a draft is collected
    again, an issued or paid statement is left alone. One transaction per vendor."""
    period_start, period_end = periods.previous_month(now)
    drafted = []
    for vendor in Vendor.objects.filter(status=VendorStatus.ACTIVE).order_by("pk"):
        frozen = VendorStatement.objects.filter(
            Q(vendor=vendor, period_start=period_start, period_end=period_end)
            & ~Q(status=StatementStatus.DRAFT)
        ).exists()
        if frozen:
            continue
        drafted.append(
            draft_statement(
                vendor=vendor, period_start=period_start, period_end=period_end, actor=None
            )
        )
    return drafted
