"""Reading statements and sales figures for the vendor workspace and the API.

Scoping is decided by backend/vendors/scoping.py: vendor staff see their own vendor's
statements, service-centre staff (MANAGE_VENDORS) see all, anyone else none. A statement of
another vendor is simply not found.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from backend.order.models import OrderLine, OrderStatus
from backend.settlement import periods
from backend.settlement.allocation import ZERO
from backend.settlement.collection import refund_shares
from backend.settlement.models import VendorStatement
from backend.vendors.models import Vendor
from backend.vendors.scoping import scoped

# Orders that did not happen: never paid and closed, or cancelled.
NOT_SALES = (OrderStatus.CANCELED, OrderStatus.EXPIRED)


def statements_for(user) -> QuerySet[VendorStatement]:
    """Statements the user may see, newest period first, with their vendor joined: the
    user's vendor's for vendor staff, every vendor's for MANAGE_VENDORS staff, none else."""
    return scoped(
        VendorStatement.objects.select_related("vendor").order_by("-period_start", "vendor_id"),
        user,
    )


def statement_for(user, pk) -> VendorStatement | None:
    """One statement by primary key if the user may see it; None otherwise (also for another
    vendor's statement: it is reported as not found, never as forbidden)."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    return statements_for(user).filter(pk=pk).first()


@dataclass
class DayFigures:
    """One day (Asia/Shanghai) of a vendor's sales."""

    date: dt.date
    gross: Decimal = ZERO  # what shoppers paid for the vendor's lines of orders placed that day
    orders: int = 0  # orders placed that day with at least one line of the vendor
    units: int = 0  # units of the vendor's products in those orders
    refunds: Decimal = ZERO  # the vendor's shares of refunds made that day


@dataclass
class ProductFigures:
    product_name: str
    units: int
    gross: Decimal


@dataclass
class SalesFigures:
    start: dt.date
    end: dt.date
    days: list[DayFigures] = field(default_factory=list)
    top_products: list[ProductFigures] = field(default_factory=list)

    @property
    def gross(self) -> Decimal:
        return sum((day.gross for day in self.days), ZERO)

    @property
    def orders(self) -> int:
        return sum(day.orders for day in self.days)

    @property
    def units(self) -> int:
        return sum(day.units for day in self.days)

    @property
    def refunds(self) -> Decimal:
        return sum((day.refunds for day in self.days), ZERO)


def sales_figures(vendor: Vendor, start: dt.date, end: dt.date, *, top: int = 5) -> SalesFigures:
    """The vendor's sales from `start` to `end` (inclusive dates, Asia/Shanghai), per day.

    Sales here are orders as placed (what the workspace's "sales" means to a cooperative:
    today's orders), excluding cancelled and expired ones; statements pay on delivery, so
    these figures run ahead of the statements. Refunds are the vendor's shares of successful
    refunds (settlement rule: named lines, else pro rata), by the day they were made.
    `top_products`: the `top` products by gross in the range. Every day of the range is
    listed, days without sales with zeros. A handful of queries, whatever the range."""
    since, until = periods.bounds(start, end)
    lines = OrderLine.objects.filter(
        vendor=vendor, order__created_at__gte=since, order__created_at__lt=until
    ).exclude(order__status__in=NOT_SALES)
    days = {
        start + dt.timedelta(days=offset): DayFigures(date=start + dt.timedelta(days=offset))
        for offset in range((end - start).days + 1)
    }
    per_day = (
        lines.annotate(day=TruncDate("order__created_at", tzinfo=timezone.get_current_timezone()))
        .values("day")
        .annotate(
            gross=Sum("total_price_gross_amount"),
            units=Sum("quantity"),
            orders=Count("order_id", distinct=True),
        )
    )
    for row in per_day:
        day = days.get(row["day"])
        if day is not None:
            day.gross, day.units, day.orders = row["gross"], row["units"], row["orders"]
    for share in refund_shares(vendor, until=until, since=since):
        day = days.get(timezone.localdate(share.event.created_at))
        if day is not None:
            day.refunds += share.amount
    products: dict = defaultdict(lambda: [0, ZERO])
    for product in lines.values("product_name").annotate(
        units=Sum("quantity"), gross=Sum("total_price_gross_amount")
    ):
        products[product["product_name"]][0] += product["units"]
        products[product["product_name"]][1] += product["gross"]
    ranked = sorted(products.items(), key=lambda item: (-item[1][1], item[0]))[:top]
    return SalesFigures(
        start=start,
        end=end,
        days=list(days.values()),
        top_products=[
            ProductFigures(product_name=name, units=units, gross=gross)
            for name, (units, gross) in ranked
        ],
    )
