"""Daily reconciliation: the gateway's statement for a day against our transactions.

Alipay's trade bill (a zip of GBK CSV files, `#` comment lines, values padded with tabs;
https://opendocs.alipay.com/open/028woc) and WeChat Pay's trade bill (gzip CSV, every value
prefixed with a backquote, summary lines at the end; https://pay.weixin.qq.com/doc/v3/merchant/
4012791886) list each payment and refund of the day in Beijing time. Each is matched with our
CHARGE_SUCCESS (by our trade number) and refund requests (by our refund number) of the same
day; every difference is reported — money the provider has that we did not record, money we
recorded that the provider does not have, and different amounts — with the order it concerns,
kept as a `ReconciliationReport` and logged as a warning for the operator.
"""

from __future__ import annotations

import csv
import datetime
import gzip
import io
import logging
import zipfile
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import transaction as db_transaction

from backend.payment.fen import FenError, from_fen, parse_yuan
from backend.payment.gateways import GATEWAYS
from backend.payment.gateways.base import GatewayError
from backend.payment.models import (
    Gateway,
    ReconciliationReport,
    TransactionEvent,
    TransactionEventType,
)

logger = logging.getLogger(__name__)
SHANGHAI = ZoneInfo("Asia/Shanghai")
Type = TransactionEventType
NATIVE_GATEWAYS = (Gateway.ALIPAY.value, Gateway.WECHATPAY.value)
ZERO = Decimal("0.00")


class StatementError(ValueError):
    """A statement that cannot be read."""


@dataclass(frozen=True)
class StatementRow:
    kind: str  # "payment" or "refund"
    out_trade_no: str
    reference: str  # the provider's trade number for payments, our refund number for refunds
    amount: Decimal  # positive


def _amount(text: str) -> Decimal:
    try:
        return from_fen(parse_yuan(text.strip().lstrip("-")))
    except FenError as error:
        raise StatementError(f"unreadable amount {text!r}") from error


def parse_alipay_bill(content: bytes) -> list[StatementRow]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except zipfile.BadZipFile as error:
        raise StatementError("not a zip file") from error
    names = [n for n in archive.namelist() if n.endswith(".csv") and "汇总" not in n]
    if not names:
        raise StatementError("no detail file in the bill")
    text = archive.read(names[0]).decode("gbk")
    rows: list[StatementRow] = []
    header: list[str] | None = None
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        values = [value.strip() for value in next(csv.reader([line]))]
        if header is None:
            header = values
            continue
        record = dict(zip(header, values, strict=False))
        kind = {"交易": "payment", "退款": "refund"}.get(record.get("业务类型", ""))
        if kind is None:
            continue
        rows.append(
            StatementRow(
                kind=kind,
                out_trade_no=record.get("商户订单号", ""),
                reference=(
                    record.get("支付宝交易号", "")
                    if kind == "payment"
                    else record.get("退款批次号/请求号", "")
                ),
                amount=_amount(record.get("订单金额（元）", "")),
            )
        )
    if header is None:
        raise StatementError("no header in the bill")
    return rows


def parse_wechatpay_bill(content: bytes) -> list[StatementRow]:
    try:
        text = gzip.decompress(content).decode("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise StatementError("not a gzip CSV file") from error
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        raise StatementError("empty bill")
    header = next(csv.reader([lines[0]]))
    rows: list[StatementRow] = []
    for line in lines[1:]:
        if line.startswith("总交易单数"):
            break
        values = [value.lstrip("`").strip() for value in next(csv.reader([line]))]
        record = dict(zip(header, values, strict=False))
        state = record.get("交易状态", "")
        if state == "REFUND":
            rows.append(
                StatementRow(
                    "refund",
                    record.get("商户订单号", ""),
                    record.get("商户退款单号", ""),
                    _amount(record.get("退款金额", "")),
                )
            )
        elif state == "SUCCESS":
            rows.append(
                StatementRow(
                    "payment",
                    record.get("商户订单号", ""),
                    record.get("微信订单号", ""),
                    _amount(record.get("应结订单金额", "")),
                )
            )
    return rows


PARSERS = {Gateway.ALIPAY.value: parse_alipay_bill, Gateway.WECHATPAY.value: parse_wechatpay_bill}


@dataclass
class Ours:
    amount: Decimal
    order: str
    reference: str


def _day_bounds(day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    start = datetime.datetime.combine(day, datetime.time.min, tzinfo=SHANGHAI)
    return start, start + datetime.timedelta(days=1)


def _our_records(gateway: str, day: datetime.date) -> tuple[dict[str, Ours], dict[str, Ours]]:
    """Our payments by trade number and refunds by refund number, recorded that day."""
    start, end = _day_bounds(day)
    events = TransactionEvent.objects.filter(
        transaction__gateway=gateway,
        created_at__gte=start,
        created_at__lt=end,
        type__in=[Type.CHARGE_SUCCESS, Type.REFUND_REQUEST],
    ).select_related("transaction__order")
    failed = set(
        TransactionEvent.objects.filter(
            transaction__gateway=gateway, type=Type.REFUND_FAILURE
        ).values_list("psp_reference", flat=True)
    )
    payments: dict[str, Ours] = {}
    refunds: dict[str, Ours] = {}
    for event in events:
        item = event.transaction
        order = str(item.order.number) if item.order_id and item.order else ""
        if event.type == Type.CHARGE_SUCCESS:
            payments[item.psp_reference] = Ours(event.amount_value, order, event.psp_reference)
        elif event.psp_reference not in failed:
            refunds[event.psp_reference] = Ours(event.amount_value, order, item.psp_reference)
    return payments, refunds


def _order_of(gateway: str, out_trade_no: str) -> str:
    from backend.payment.models import TransactionItem

    item = (
        TransactionItem.objects.filter(gateway=gateway, psp_reference=out_trade_no)
        .select_related("order")
        .first()
    )
    return str(item.order.number) if item is not None and item.order is not None else ""


def compare(
    gateway: str, day: datetime.date, rows: list[StatementRow]
) -> tuple[int, list[dict[str, str]], Decimal, Decimal]:
    payments, refunds = _our_records(gateway, day)
    mismatches: list[dict[str, str]] = []
    matched = 0
    statement_total = ZERO
    our_total = sum((p.amount for p in payments.values()), ZERO) - sum(
        (r.amount for r in refunds.values()), ZERO
    )
    seen_payments: set[str] = set()
    seen_refunds: set[str] = set()
    for row in rows:
        statement_total += row.amount if row.kind == "payment" else -row.amount
        ours = (payments if row.kind == "payment" else refunds).get(
            row.out_trade_no if row.kind == "payment" else row.reference
        )
        (seen_payments if row.kind == "payment" else seen_refunds).add(
            row.out_trade_no if row.kind == "payment" else row.reference
        )
        if ours is None:
            mismatches.append(
                {
                    "kind": "missing_here",
                    "type": row.kind,
                    "out_trade_no": row.out_trade_no,
                    "reference": row.reference,
                    "statement_amount": str(row.amount),
                    "our_amount": "",
                    "order": _order_of(gateway, row.out_trade_no),
                }
            )
        elif ours.amount != row.amount:
            mismatches.append(
                {
                    "kind": "amount",
                    "type": row.kind,
                    "out_trade_no": row.out_trade_no,
                    "reference": row.reference,
                    "statement_amount": str(row.amount),
                    "our_amount": str(ours.amount),
                    "order": ours.order,
                }
            )
        else:
            matched += 1
    for number, ours in payments.items():
        if number not in seen_payments:
            mismatches.append(
                {
                    "kind": "missing_there",
                    "type": "payment",
                    "out_trade_no": number,
                    "reference": ours.reference,
                    "statement_amount": "",
                    "our_amount": str(ours.amount),
                    "order": ours.order,
                }
            )
    for number, ours in refunds.items():
        if number not in seen_refunds:
            mismatches.append(
                {
                    "kind": "missing_there",
                    "type": "refund",
                    "out_trade_no": ours.reference,
                    "reference": number,
                    "statement_amount": "",
                    "our_amount": str(ours.amount),
                    "order": ours.order,
                }
            )
    return matched, mismatches, statement_total, our_total


def reconcile(*, gateway: str, day: datetime.date) -> ReconciliationReport:
    """Download one gateway's statement for `day`, compare, and keep the report (a second run
    for the same day replaces it)."""
    if gateway not in PARSERS:
        raise ValueError(f"no statement for gateway {gateway!r}")
    provider = GATEWAYS[gateway]
    content = provider.download_statement(day)  # type: ignore[attr-defined]
    rows = PARSERS[gateway](content)
    matched, mismatches, statement_total, our_total = compare(gateway, day, rows)
    with db_transaction.atomic():
        report, _created = ReconciliationReport.objects.update_or_create(
            gateway=gateway,
            day=day,
            defaults={
                "statement_rows": len(rows),
                "matched": matched,
                "mismatches": mismatches,
                "statement_total": statement_total,
                "our_total": our_total,
            },
        )
    for mismatch in mismatches:
        logger.warning("Reconciliation %s %s: %s", gateway, day, mismatch)
    logger.info(
        "Reconciliation %s %s: %s rows, %s matched, %s mismatches",
        gateway,
        day,
        len(rows),
        matched,
        len(mismatches),
    )
    return report


def reconcile_day(day: datetime.date) -> list[ReconciliationReport]:
    """Every configured native gateway for one day; one failing does not stop the other."""
    reports = []
    for gateway in NATIVE_GATEWAYS:
        if not GATEWAYS[gateway].is_enabled():
            continue
        try:
            reports.append(reconcile(gateway=gateway, day=day))
        except (GatewayError, StatementError) as error:
            logger.error("Reconciliation %s %s failed: %s", gateway, day, error)
    return reports
