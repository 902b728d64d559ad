"""What the shopper paid for each order line.

An order line's `total_price_gross_amount` is its price after the catalogue-level discounts
(promotion price, flash sale, special price), but before the order-level ones: a 满减
promotion and a voucher are recorded once on the order (OrderDiscount) and shared over its
lines to the fen by checkout (OrderLineDiscount rows pointing at that OrderDiscount). What
the shopper paid for a line is its total less those shares.

Every figure that means "money the shopper paid for these goods" reads it here: refunds by
line (order.services, payment.services, trace recalls), tourism vouchers' face prices, the
poverty zone's sales and settlement's refund shares. Shares are whole fen and were allocated
so that they add up to each order discount; a line never pays less than nothing."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.db.models import DecimalField, F, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce, Greatest

from backend.order.models import OrderLine

ZERO = Decimal("0.00")


def order_discount_shares(line_ids: Iterable | QuerySet) -> dict:
    """Line pk → the line's share of its order's 满减 promotions and vouchers (absent: none).
    `line_ids` may be a queryset of line pks (one statement)."""
    from backend.discount.models import OrderLineDiscount

    ids = line_ids if isinstance(line_ids, QuerySet) else list(line_ids)
    if not isinstance(ids, QuerySet) and not ids:
        return {}
    return dict(
        OrderLineDiscount.objects.filter(line_id__in=ids, order_discount__isnull=False)
        .values("line_id")
        .annotate(total=Sum("amount"))
        .values_list("line_id", "total")
    )


def paid_of(line: OrderLine, shares: dict) -> Decimal:
    """What the shopper paid for `line`, given `shares` from order_discount_shares."""
    return max(line.total_price_gross_amount - shares.get(line.pk, ZERO), ZERO)


def paid_totals(lines: Iterable[OrderLine]) -> dict:
    """Line pk → what the shopper paid for the line (one query for all the lines)."""
    lines = list(lines)
    shares = order_discount_shares(line.pk for line in lines)
    return {line.pk: paid_of(line, shares) for line in lines}


def paid_total(line: OrderLine) -> Decimal:
    return paid_totals([line])[line.pk]


def paid_total_expression():
    """The same figure as a database expression over OrderLine rows, for sums in reports."""
    from backend.discount.models import OrderLineDiscount

    money = DecimalField(max_digits=12, decimal_places=2)
    shares = (
        OrderLineDiscount.objects.filter(line_id=OuterRef("pk"))
        .exclude(order_discount__isnull=True)
        .values("line_id")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return Greatest(
        F("total_price_gross_amount")
        - Coalesce(Subquery(shares, output_field=money), Value(ZERO), output_field=money),
        Value(ZERO),
        output_field=money,
    )
