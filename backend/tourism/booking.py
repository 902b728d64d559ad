"""Dated inventory: what can be booked when, and the capacity a completed checkout takes.

Rules of a dated product (evaluated in the county's zone, Asia/Shanghai, at the instant given):
a visit date from today up to `booking_window_days` ahead, not a blackout date; today only
before `same_day_cutoff` (at 14:00:00 exactly, same-day booking is closed); the slot one of the
product's slots (none when it has none); places left on that date/slot, each unit taking its
ticket type's `people`. Open-dated products take no date and no capacity.

Capacity is never oversold: `reserve_tourism_capacity` runs inside the checkout completion
transaction and locks the capacity rows FOR UPDATE in primary-key order (two checkouts of the
same dates cannot deadlock), checks what is left and increments `sold`; a database check
constraint (sold ≤ capacity) backs it up. Unpaid orders that are cancelled or expire give their
places back (`release_order_capacity`), as refunded vouchers do.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from backend.tourism.error_codes import TourismErrorCode
from backend.tourism.models import BlackoutDate, Capacity, TicketType, TourismProduct

MAX_VISITOR_NAME = 50
# Schedules are the county's (docs/DESIGN: times stored UTC, evaluated in Asia/Shanghai).
ZONE = ZoneInfo("Asia/Shanghai")


def local_now(at: dt.datetime | None = None) -> dt.datetime:
    return (at or timezone.now()).astimezone(ZONE)


def local_today(at: dt.datetime | None = None) -> dt.date:
    return local_now(at).date()


def day_start(day: dt.date) -> dt.datetime:
    """Midnight at the start of `day` in Asia/Shanghai, as an aware datetime."""
    return dt.datetime.combine(day, dt.time.min, tzinfo=ZONE)


def _error(field: str, message: str, code: str) -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})


def tourism_product_of(variant) -> TourismProduct | None:
    product = variant.product
    try:
        return product.tourism
    except TourismProduct.DoesNotExist:
        return None


def ticket_people(variant) -> int:
    try:
        return variant.ticket_type.people
    except TicketType.DoesNotExist:
        return 1


@dataclass(frozen=True)
class DayAvailability:
    date: dt.date
    slot: str
    capacity: int
    remaining: int
    is_bookable: bool
    reason: str  # "" when bookable, else a TourismErrorCode


def check_booking(
    tourism: TourismProduct,
    *,
    visit_date: dt.date | None,
    slot: str,
    quantity: int,
    visitor_names: list[str],
    at: dt.datetime | None = None,
    check_capacity: bool = True,
    people: int = 1,
) -> None:
    """Raise a ValidationError (field, TourismErrorCode) when the booking breaks a rule."""
    name = tourism.product.name
    if quantity < tourism.min_per_order or quantity > tourism.max_per_order:
        raise _error(
            "quantity",
            _("“%(name)s”每单可订 %(min)s–%(max)s 张。")
            % {"name": name, "min": tourism.min_per_order, "max": tourism.max_per_order},
            TourismErrorCode.INVALID,
        )
    if tourism.requires_visitor_names:
        cleaned = [str(n).strip() for n in visitor_names or []]
        if len(cleaned) != quantity or any(not n for n in cleaned):
            raise _error(
                "visitor_names",
                _("“%(name)s”需要为每张票填写游客姓名（共 %(count)s 位）。")
                % {"name": name, "count": quantity},
                TourismErrorCode.REQUIRED,
            )
        if any(len(n) > MAX_VISITOR_NAME for n in cleaned):
            raise _error("visitor_names", _("游客姓名最多 50 个字。"), TourismErrorCode.INVALID)
    if not tourism.is_dated:
        if visit_date is not None or slot:
            raise _error(
                "visit_date",
                _("“%(name)s”有效期内任选一日使用，无需选择日期。") % {"name": name},
                TourismErrorCode.INVALID,
            )
        return
    if visit_date is None:
        raise _error(
            "visit_date",
            _("请为“%(name)s”选择游览日期。") % {"name": name},
            TourismErrorCode.REQUIRED,
        )
    reason = closed_reason(tourism, visit_date, at=at)
    if reason:
        raise _error("visit_date", _reason_message(reason, name, visit_date), reason)
    if tourism.slots and slot not in tourism.slots:
        raise _error(
            "visit_slot",
            _("请为“%(name)s”选择一个时段。") % {"name": name},
            TourismErrorCode.REQUIRED if not slot else TourismErrorCode.INVALID,
        )
    if not tourism.slots and slot:
        raise _error("visit_slot", _("这个项目不分时段。"), TourismErrorCode.INVALID)
    if check_capacity:
        row = Capacity.objects.filter(tourism_product=tourism, date=visit_date, slot=slot).first()
        remaining = row.remaining if row else tourism.default_capacity
        if remaining < quantity * people:
            raise _error(
                "visit_date",
                _sold_out(name, visit_date, remaining // max(people, 1)),
                TourismErrorCode.SOLD_OUT,
            )


def _sold_out(name: str, day: dt.date, left: int) -> str:
    return _("“%(name)s” %(date)s 余票不足，仅剩 %(left)s 张。") % {
        "name": name,
        "date": day.isoformat(),
        "left": max(left, 0),
    }


def _reason_message(reason: str, name: str, day: dt.date) -> str:
    values = {"name": name, "date": day.isoformat()}
    if reason == TourismErrorCode.BLACKOUT_DATE:
        return _("“%(name)s” %(date)s 不开放预订。") % values
    return _("“%(name)s” %(date)s 的票已停止预订。") % values


def closed_reason(tourism: TourismProduct, day: dt.date, *, at: dt.datetime | None = None) -> str:
    """'' when the date can be booked at `at`, else BOOKING_CLOSED or BLACKOUT_DATE."""
    now = local_now(at)
    today = now.date()
    if day < today or day > today + dt.timedelta(days=tourism.booking_window_days):
        return TourismErrorCode.BOOKING_CLOSED
    if (
        day == today
        and tourism.same_day_cutoff is not None
        and now.time() >= tourism.same_day_cutoff
    ):
        return TourismErrorCode.BOOKING_CLOSED
    if BlackoutDate.objects.filter(tourism_product=tourism, date=day).exists():
        return TourismErrorCode.BLACKOUT_DATE
    return ""


def availability(
    tourism: TourismProduct,
    date_from: dt.date,
    date_to: dt.date,
    *,
    at: dt.datetime | None = None,
) -> list[DayAvailability]:
    """Each date (and slot) between the two dates inclusive, at most 92 days, in 2 queries."""
    date_to = min(date_to, date_from + dt.timedelta(days=91))
    rows = {
        (c.date, c.slot): c
        for c in Capacity.objects.filter(
            tourism_product=tourism, date__gte=date_from, date__lte=date_to
        )
    }
    blackouts = set(
        BlackoutDate.objects.filter(
            tourism_product=tourism, date__gte=date_from, date__lte=date_to
        ).values_list("date", flat=True)
    )
    now = local_now(at)
    result = []
    day = date_from
    while day <= date_to:
        for slot in tourism.slots or [""]:
            row = rows.get((day, slot))
            capacity = row.capacity if row else tourism.default_capacity
            remaining = row.remaining if row else tourism.default_capacity
            reason = ""
            if day in blackouts:
                reason = TourismErrorCode.BLACKOUT_DATE
            elif (
                day < now.date()
                or day > now.date() + dt.timedelta(days=tourism.booking_window_days)
                or (
                    day == now.date()
                    and tourism.same_day_cutoff is not None
                    and now.time() >= tourism.same_day_cutoff
                )
            ):
                reason = TourismErrorCode.BOOKING_CLOSED
            elif remaining <= 0:
                reason = TourismErrorCode.SOLD_OUT
            result.append(DayAvailability(day, slot, capacity, remaining, not reason, reason))
        day += dt.timedelta(days=1)
    return result


# --- Checkout completion ------------------------------------------------------------------

# The checkout API speaks CheckoutErrorCode; booking refusals are passed on as its nearest codes.
_CHECKOUT_CODES: dict[str, str] = {
    TourismErrorCode.SOLD_OUT: "INSUFFICIENT_STOCK",
    TourismErrorCode.BLACKOUT_DATE: "INVALID",
    TourismErrorCode.BOOKING_CLOSED: "INVALID",
    TourismErrorCode.REQUIRED: "REQUIRED",
    TourismErrorCode.INVALID: "INVALID",
}


def _as_checkout_error(error: ValidationError) -> ValidationError:
    fields = {}
    for field, errors in error.error_dict.items():
        fields[field] = [
            ValidationError(e.message, code=_CHECKOUT_CODES.get(e.code or "", "INVALID"))
            for e in errors
        ]
    return ValidationError(fields)


def reserve_tourism_capacity(
    order_lines, *, at: dt.datetime | None = None, gateway: str = ""
) -> None:
    """Check every tourism line's booking and take its places; call inside the completion
    transaction after the order lines are written. Raises ValidationError (CheckoutErrorCode).

    An order of vouchers only cannot be paid at a station: there is no parcel to collect, and
    vouchers are issued only on payment."""
    needed: dict[tuple[int, dt.date, str], int] = defaultdict(int)
    products: dict[int, TourismProduct] = {}
    has_goods = False
    for line in order_lines:
        if line.variant is None:
            continue
        tourism = tourism_product_of(line.variant)
        if tourism is None:
            has_goods = True
            continue
        people = ticket_people(line.variant)
        try:
            check_booking(
                tourism,
                visit_date=line.visit_date,
                slot=line.visit_slot,
                quantity=line.quantity,
                visitor_names=line.visitor_names,
                at=at,
                check_capacity=False,
            )
        except ValidationError as error:
            raise _as_checkout_error(error) from error
        if tourism.is_dated:
            products[tourism.pk] = tourism
            needed[(tourism.pk, line.visit_date, line.visit_slot)] += line.quantity * people
    if gateway == "pay_at_station" and not has_goods and order_lines:
        raise ValidationError(
            _("文旅票券需在线支付，不支持到站付款。"), code="CHECKOUT_NOT_FULLY_PAID"
        )
    if not needed:
        return
    _take(needed, products)


def _take(needed: dict[tuple[int, dt.date, str], int], products: dict[int, TourismProduct]) -> None:
    # Rows not there yet (a date beyond the seeded range) get the product's default capacity;
    # ON CONFLICT DO NOTHING makes the concurrent insert of the same row harmless.
    Capacity.objects.bulk_create(
        [
            Capacity(
                tourism_product_id=pk, date=day, slot=slot, capacity=products[pk].default_capacity
            )
            for (pk, day, slot) in needed
        ],
        ignore_conflicts=True,
    )
    keys = list(needed)
    query = Capacity.objects.none()
    for pk, day, slot in keys:
        query = query | Capacity.objects.filter(tourism_product_id=pk, date=day, slot=slot)
    rows = list(query.select_for_update().order_by("pk"))
    by_key = {(r.tourism_product_id, r.date, r.slot): r for r in rows}
    for key, amount in needed.items():
        row = by_key[key]
        if row.remaining < amount:
            name = products[key[0]].product.name
            raise ValidationError(
                {
                    "visit_date": ValidationError(
                        _sold_out(name, key[1], row.remaining), code="INSUFFICIENT_STOCK"
                    )
                }
            )
    for key, amount in needed.items():
        Capacity.objects.filter(pk=by_key[key].pk).update(sold=F("sold") + amount)


def release_capacity(
    *, tourism_product_id: int, day: dt.date | None, slot: str, amount: int
) -> None:
    """Give `amount` places of a date back (never below zero); inside the caller's transaction."""
    if day is None or amount <= 0:
        return
    row = (
        Capacity.objects.select_for_update()
        .filter(tourism_product_id=tourism_product_id, date=day, slot=slot)
        .first()
    )
    if row is None:
        return
    row.sold = max(row.sold - amount, 0)
    row.save(update_fields=["sold"])


def release_order_capacity(order) -> None:
    """An unpaid order that is cancelled or expires gives its places back."""
    assert transaction.get_connection().in_atomic_block
    from backend.tourism.models import TourismVoucher

    if TourismVoucher.objects.filter(order=order).exists():
        return  # issued vouchers give their places back one by one when refunded
    for line in order.lines.select_related("variant__product__tourism", "variant__ticket_type"):
        if line.variant is None or line.visit_date is None:
            continue
        tourism = tourism_product_of(line.variant)
        if tourism is None or not tourism.is_dated:
            continue
        release_capacity(
            tourism_product_id=tourism.pk,
            day=line.visit_date,
            slot=line.visit_slot,
            amount=line.quantity * ticket_people(line.variant),
        )


def set_line_details(
    *, line, visit_date: dt.date | None, slot: str = "", visitor_names: list[str] | None = None
) -> None:
    """Store the visit date/slot and visitor names on a checkout line of a tourism product,
    after checking the booking rules and the places left now (checked again at completion)."""
    tourism = tourism_product_of(line.variant)
    if tourism is None:
        raise _error("line_id", _("这不是文旅票券。"), TourismErrorCode.INVALID)
    names = [str(n).strip() for n in (visitor_names or [])]
    check_booking(
        tourism,
        visit_date=visit_date,
        slot=slot or "",
        quantity=line.quantity,
        visitor_names=names,
        people=ticket_people(line.variant),
    )
    line.visit_date = visit_date
    line.visit_slot = slot or ""
    line.visitor_names = names
    line.save(update_fields=["visit_date", "visit_slot", "visitor_names"])
