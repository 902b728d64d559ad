"""Issuing tourism vouchers when an order is paid: one per unit bought.

Called by the order app when an order's charge status first becomes paid (full or over),
inside that transaction (backend.order.payments.update_charge_status). Issuing again issues
nothing new: a voucher is unique per (order line, unit). Each voucher records the venue's sale
in its settlement ledger (`VenueLedgerEntry`, commission at the venue's rate), and the shopper
gets the codes by SMS once the transaction commits.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from backend.core import audit
from backend.order.paid import paid_total
from backend.tourism import codes
from backend.tourism.booking import day_start, local_today, ticket_people, tourism_product_of
from backend.tourism.models import (
    TicketType,
    TourismVoucher,
    VenueLedgerEntry,
    VenueLedgerKind,
)

FEN = Decimal("0.01")


def _fen(value: Decimal) -> Decimal:
    return value.quantize(FEN, rounding=ROUND_HALF_UP)


def _window(tourism, line, issued_at: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """A dated voucher: its visit day (local midnight to midnight). Open-dated: from purchase
    to the end of the `validity_days`-th local day after it."""
    if tourism.is_dated and line.visit_date is not None:
        start = day_start(line.visit_date)
        return start, start + dt.timedelta(days=1)
    last = local_today(issued_at) + dt.timedelta(days=tourism.validity_days)
    return issued_at, day_start(last) + dt.timedelta(days=1)


def _per_unit(total: Decimal, quantity: int) -> list[Decimal]:
    """`total` shared over `quantity` units to the fen (the last unit takes the rest)."""
    unit = _fen(total / quantity)
    prices = [unit] * quantity
    prices[-1] = total - unit * (quantity - 1)
    return prices


def _unit_prices(line) -> list[Decimal]:
    """What the shopper paid for each unit: the line's total less its share of the order's
    满减 and voucher (backend.order.paid), per unit."""
    return _per_unit(paid_total(line), line.quantity)


def _settled_prices(line) -> list[Decimal]:
    """What the venue is settled for each unit: the list price less only the discounts the
    vendor funds (商家让利), by the rule settlement applies to goods (issue #11)."""
    from backend.settlement.collection import settled_line, vendor_discounts

    settled, _discount = settled_line(line, vendor_discounts([line.pk]).get(line.pk))
    return _per_unit(settled, line.quantity)


def _new_voucher(**fields) -> TourismVoucher:
    # A collision of two random codes (about 2·10⁻⁵ over a million vouchers) is retried.
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return TourismVoucher.objects.create(code=codes.generate(), **fields)
        except IntegrityError:
            if TourismVoucher.objects.filter(
                order_line=fields["order_line"], unit=fields["unit"]
            ).exists():
                raise
    raise RuntimeError("could not draw a unique voucher code")


def issue_vouchers(order, *, at: dt.datetime | None = None) -> list[TourismVoucher]:
    issued_at = at or timezone.now()
    lines = list(
        order.lines.select_related(
            "variant__product__tourism__venue", "variant__ticket_type"
        ).order_by("sort_order", "id")
    )
    existing = set(TourismVoucher.objects.filter(order=order).values_list("order_line_id", "unit"))
    created: list[TourismVoucher] = []
    for line in lines:
        if line.variant is None:
            continue
        tourism = tourism_product_of(line.variant)
        if tourism is None:
            continue
        try:
            uses = line.variant.ticket_type.uses
        except TicketType.DoesNotExist:
            uses = 1
        valid_from, valid_until = _window(tourism, line, issued_at)
        names = list(line.visitor_names or [])
        venue = tourism.venue
        settled_prices = _settled_prices(line)
        for unit, price in enumerate(_unit_prices(line), start=1):
            if (line.pk, unit) in existing:
                continue
            voucher = _new_voucher(
                order=order,
                order_line=line,
                unit=unit,
                venue=venue,
                tourism_product=tourism,
                user=order.user,
                product_name=line.product_name,
                ticket_name=line.variant_name,
                visit_date=line.visit_date if tourism.is_dated else None,
                slot=line.visit_slot if tourism.is_dated else "",
                visitor_name=names[unit - 1] if unit <= len(names) else "",
                valid_from=valid_from,
                valid_until=valid_until,
                uses_allowed=uses,
                people=ticket_people(line.variant),
                currency=line.currency,
                price_amount=price,
                issued_at=issued_at,
                status_changed_at=issued_at,
            )
            settled = settled_prices[unit - 1]
            commission = _fen(settled * venue.commission_rate)
            VenueLedgerEntry.objects.create(
                venue=venue,
                voucher=voucher,
                kind=VenueLedgerKind.SALE,
                amount=settled,
                commission=commission,
                net=settled - commission,
                occurred_at=issued_at,
            )
            created.append(voucher)
    if created:
        audit.record(
            actor=None,
            action="tourism.vouchers_issued",
            instance=order,
            after={"codes": [v.code for v in created]},
        )
        order_id = order.pk
        transaction.on_commit(lambda: _queue_sms(order_id))
    return created


def _queue_sms(order_id) -> None:
    from backend.tourism.tasks import send_voucher_sms

    send_voucher_sms.delay(str(order_id))
