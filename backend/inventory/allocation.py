"""Stock for orders and carts: allocations, reservations and their release.

Every function that changes stock locks the stock rows it reads (`SELECT … FOR UPDATE`, always
in primary-key order so two transactions never wait on each other in a cycle) and runs inside
the caller's transaction. What may still be sold from a stock row is

    quantity − quantity_allocated − (unexpired reservations of other checkouts)

so concurrent completions can never allocate more than exists: the second one waits for the
first's lock and then sees its allocation.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from backend.inventory.models import Allocation, Reservation, Stock

# Called with the fresh allocations (inside allocate's transaction, after the stock locks) and
# with the order whose allocations deallocate_order gave back; the trace app registers its
# batch choice (FEFO) here from its AppConfig.ready, so inventory does not import it.
allocation_hooks: list[Callable[[list[Allocation]], object]] = []
deallocation_hooks: list[Callable[[Any], object]] = []


class InsufficientStock(Exception):
    """Raised with the (variant id, requested, available) triples that cannot be served."""

    def __init__(self, items: list[tuple[int, int, int]]):
        super().__init__(items)
        self.items = items


@dataclass(frozen=True)
class Demand:
    variant_id: int
    quantity: int
    key: Any = None  # the order line or checkout line the quantity is for


def _channel_stocks(channel_id: int, variant_ids: Iterable[int]):
    return (
        Stock.objects.select_for_update(of=("self",))
        .filter(product_variant_id__in=set(variant_ids), warehouse__channels__id=channel_id)
        .order_by("pk")
    )


def _reserved_by_others(stock_ids: list[int], exclude_checkout=None) -> dict[int, int]:
    reservations = Reservation.objects.filter(
        stock_id__in=stock_ids, reserved_until__gt=timezone.now()
    )
    if exclude_checkout is not None:
        reservations = reservations.exclude(checkout_line__checkout_id=exclude_checkout)
    rows = reservations.values("stock_id").annotate(total=Sum("quantity_reserved"))
    return {row["stock_id"]: row["total"] for row in rows}


def _plan(
    demands: Sequence[Demand], channel_id: int, *, exclude_checkout=None
) -> list[tuple[Demand, Stock, int]]:
    """Lock the stocks and decide which stock serves how much of each demand, or raise
    InsufficientStock naming every demand that cannot be met."""
    stocks = list(_channel_stocks(channel_id, (d.variant_id for d in demands)))
    reserved = _reserved_by_others([s.pk for s in stocks], exclude_checkout)
    free = {s.pk: s.quantity - s.quantity_allocated - reserved.get(s.pk, 0) for s in stocks}
    by_variant: dict[int, list[Stock]] = defaultdict(list)
    for stock in stocks:
        by_variant[stock.product_variant_id].append(stock)
    plan: list[tuple[Demand, Stock, int]] = []
    missing: list[tuple[int, int, int]] = []
    for demand in demands:
        # The fullest stock first: fewer parcels (the station routing refines this later).
        candidates = sorted(by_variant[demand.variant_id], key=lambda s: (-free[s.pk], s.pk))
        needed = demand.quantity
        for stock in candidates:
            take = min(needed, max(free[stock.pk], 0))
            if take:
                plan.append((demand, stock, take))
                free[stock.pk] -= take
                needed -= take
            if not needed:
                break
        if needed:
            available = demand.quantity - needed
            missing.append((demand.variant_id, demand.quantity, available))
    if missing:
        raise InsufficientStock(missing)
    return plan


def available_quantities(
    channel_id: int, variant_ids: Iterable[int], *, exclude_checkout=None
) -> dict[int, int]:
    """What each variant can still sell in the channel (no locks; for display and problems)."""
    stocks = list(
        Stock.objects.filter(
            product_variant_id__in=set(variant_ids), warehouse__channels__id=channel_id
        )
    )
    reserved = _reserved_by_others([s.pk for s in stocks], exclude_checkout)
    totals: dict[int, int] = defaultdict(int)
    for stock in stocks:
        free = stock.quantity - stock.quantity_allocated - reserved.get(stock.pk, 0)
        totals[stock.product_variant_id] += max(free, 0)
    return totals


def allocate(order_lines, channel_id: int, *, checkout_token=None) -> list[Allocation]:
    """Allocate stock for order lines whose variant tracks inventory; the checkout's own
    reservations count as available to it. Raises InsufficientStock."""
    demands = [
        Demand(line.variant_id, line.quantity, line)
        for line in order_lines
        if line.variant_id and line.variant.track_inventory
    ]
    if not demands:
        return []
    plan = _plan(demands, channel_id, exclude_checkout=checkout_token)
    allocations = []
    for demand, stock, quantity in plan:
        Stock.objects.filter(pk=stock.pk).update(
            quantity_allocated=F("quantity_allocated") + quantity
        )
        allocations.append(
            Allocation(order_line=demand.key, stock=stock, quantity_allocated=quantity)
        )
    created = Allocation.objects.bulk_create(allocations)
    for hook in allocation_hooks:
        hook(created)
    return created


def deallocate_order(order) -> int:
    """Give back everything still allocated to the order's lines; returns the units released."""
    allocations = list(
        Allocation.objects.select_for_update()
        .filter(order_line__order=order, quantity_allocated__gt=0)
        .order_by("stock_id")
    )
    released = 0
    if allocations:
        # Lock the stock rows in pk order before changing them.
        list(
            Stock.objects.select_for_update()
            .filter(pk__in=[a.stock_id for a in allocations])
            .order_by("pk")
        )
    for allocation in allocations:
        Stock.objects.filter(pk=allocation.stock_id).update(
            quantity_allocated=F("quantity_allocated") - allocation.quantity_allocated
        )
        released += allocation.quantity_allocated
    Allocation.objects.filter(pk__in=[a.pk for a in allocations]).delete()
    for hook in deallocation_hooks:
        hook(order)
    return released


def fulfill_allocations(order_line_quantities) -> list[tuple[object, Stock, int]]:
    """Ship quantities of order lines: take them out of stock and out of the allocations.

    Uses the line's allocations first (the stock put aside for it); an untracked variant ships
    without touching stock. Raises ValidationError(code="INSUFFICIENT_STOCK") if a line's
    allocations do not cover the quantity.
    """
    shipped: list[tuple[object, Stock, int]] = []
    lines = [(line, qty) for line, qty in order_line_quantities if qty > 0]
    allocations = list(
        Allocation.objects.select_for_update()
        .filter(order_line__in=[line for line, _qty in lines], quantity_allocated__gt=0)
        .order_by("stock_id", "pk")
    )
    stocks = {
        s.pk: s
        for s in Stock.objects.select_for_update()
        .filter(pk__in=[a.stock_id for a in allocations])
        .order_by("pk")
    }
    by_line: dict[object, list[Allocation]] = defaultdict(list)
    for allocation in allocations:
        by_line[allocation.order_line_id].append(allocation)
    for line, quantity in lines:
        if line.variant_id is None or not line.variant.track_inventory:
            shipped.append((line, None, quantity))  # type: ignore[arg-type]
            continue
        needed = quantity
        for allocation in by_line[line.pk]:
            take = min(needed, allocation.quantity_allocated)
            if not take:
                continue
            Stock.objects.filter(pk=allocation.stock_id).update(
                quantity=F("quantity") - take, quantity_allocated=F("quantity_allocated") - take
            )
            allocation.quantity_allocated -= take
            allocation.save(update_fields=["quantity_allocated"])
            shipped.append((line, stocks[allocation.stock_id], take))
            needed -= take
            if not needed:
                break
        if needed:
            raise ValidationError(
                _("%(name)s 的已分配库存不足，无法发货 %(quantity)s 件。"),
                code="INSUFFICIENT_STOCK",
                params={"name": line.product_name, "quantity": quantity, "field": "lines"},
            )
    return shipped


def reserve_checkout(checkout_lines, channel_id: int, minutes: int) -> None:
    """Replace the checkout's reservations with ones for its current lines, held for `minutes`.
    Raises InsufficientStock when the lines cannot all be reserved."""
    lines = [line for line in checkout_lines if line.variant.track_inventory]
    if not lines:
        return
    checkout_id = lines[0].checkout_id
    Reservation.objects.filter(checkout_line__checkout_id=checkout_id).delete()
    if minutes <= 0:
        return
    demands = [Demand(line.variant_id, line.quantity, line) for line in lines]
    plan = _plan(demands, channel_id, exclude_checkout=checkout_id)
    until = timezone.now() + timedelta(minutes=minutes)
    Reservation.objects.bulk_create(
        Reservation(
            checkout_line=demand.key, stock=stock, quantity_reserved=qty, reserved_until=until
        )
        for demand, stock, qty in plan
    )


def release_expired_reservations(now=None) -> int:
    now = now or timezone.now()
    with transaction.atomic():
        deleted, _detail = Reservation.objects.filter(reserved_until__lte=now).delete()
    return deleted
