"""Read queries of the tourism app: a shopper's vouchers, a product's rules and availability,
and the venue reports (sales and redemptions per day, no-show rate, settlement)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncDate

from backend.tourism import booking
from backend.tourism.models import (
    TourismProduct,
    TourismRedemption,
    TourismVoucher,
    TourismVoucherStatus,
    Venue,
    VenueLedgerEntry,
)


def vouchers_of(user):
    return (
        TourismVoucher.objects.filter(user=user)
        .select_related("venue", "order")
        .order_by("-issued_at", "-pk")
    )


def rules_of(product) -> TourismProduct | None:
    try:
        return product.tourism
    except TourismProduct.DoesNotExist:
        return None


def product_availability(product, date_from: dt.date, date_to: dt.date):
    rules = rules_of(product)
    if rules is None or not rules.is_dated or date_to < date_from:
        return []
    return booking.availability(rules, date_from, date_to)


@dataclass(frozen=True)
class VenueDay:
    date: dt.date
    sold: int
    sales: Decimal
    redeemed: int


def venue_daily(venue: Venue, date_from: dt.date, date_to: dt.date) -> list[VenueDay]:
    """Vouchers sold (by issue day) and redemptions (by redemption day), Asia/Shanghai days."""
    start = booking.day_start(date_from)
    end = booking.day_start(date_to + dt.timedelta(days=1))
    sold: dict[dt.date, dict] = {
        row["day"]: dict(row)
        for row in TourismVoucher.objects.filter(
            venue=venue, issued_at__gte=start, issued_at__lt=end
        )
        .annotate(day=TruncDate("issued_at", tzinfo=booking.ZONE))
        .values("day")
        .annotate(count=Count("pk"), amount=Sum("price_amount"))
    }
    redeemed = {
        row["day"]: row["count"]
        for row in TourismRedemption.objects.filter(
            venue=venue, redeemed_at__gte=start, redeemed_at__lt=end, undone_at__isnull=True
        )
        .annotate(day=TruncDate("redeemed_at", tzinfo=booking.ZONE))
        .values("day")
        .annotate(count=Count("pk"))
    }
    days = []
    day = date_from
    while day <= date_to:
        row = sold.get(day) or {}
        days.append(
            VenueDay(
                day, row.get("count", 0), row.get("amount") or Decimal("0"), redeemed.get(day, 0)
            )
        )
        day += dt.timedelta(days=1)
    return days


def no_show_rate(venue: Venue, date_from: dt.date, date_to: dt.date) -> Decimal | None:
    """Of the dated vouchers for visits in the range that were not refunded, the share never
    used (expired unused); None when there were none."""
    rows = TourismVoucher.objects.filter(
        venue=venue, visit_date__gte=date_from, visit_date__lte=date_to
    ).exclude(status=TourismVoucherStatus.REFUNDED)
    totals = rows.aggregate(
        total=Count("pk"),
        unused=Count("pk", filter=Q(uses_count=0, status=TourismVoucherStatus.EXPIRED)),
    )
    if not totals["total"]:
        return None
    return (Decimal(totals["unused"]) / Decimal(totals["total"])).quantize(Decimal("0.0001"))


def venue_settlement(venue: Venue, date_from: dt.date, date_to: dt.date) -> dict[str, Decimal]:
    """Sales, refunds reversed, commission and the net owed to the venue over the range."""
    start = booking.day_start(date_from)
    end = booking.day_start(date_to + dt.timedelta(days=1))
    rows = VenueLedgerEntry.objects.filter(venue=venue, occurred_at__gte=start, occurred_at__lt=end)
    zero = Decimal("0.00")
    sums = rows.aggregate(
        sales=Sum("amount", filter=Q(kind="sale")),
        refunds=Sum("amount", filter=Q(kind="refund")),
        commission=Sum("commission"),
        net=Sum("net"),
    )
    return {key: value or zero for key, value in sums.items()}
