"""What a vendor is owed and not yet settled: the statement lines a draft collects.

A sale is a shipment line of the vendor in a parcel the shopper has received — delivered home
(`delivered`) or picked up at the station (`picked_up`) — at the time of that scan. A parcel
that never reached the shopper (cancelled, returned, still on its way) is no sale. A line split
over several parcels is a sale per parcel, its price shared by quantity (allocation.py).

A refund is a successful refund of the order's payment (`TransactionEvent` REFUND_SUCCESS:
money that went back to the shopper), at its time, charged to the order lines it names (a
granted refund's lines, `named_refund_lines`) or else shared over the order's lines by
`allocation.allocate_refunds`, in proportion to what the shopper paid for each line (its total
less its share of order promotions and vouchers). A vendor's share of a refund is settled once
the line's sale is settled (on the same or an earlier statement): money refunded for a line
that was never delivered was never paid to the vendor, so nothing is taken back from it.

Sales amounts are the list price (`undiscounted_unit_price_gross_amount` × quantity). Every
discount on a line is recorded with who funds it (`discount.OrderLineDiscount`: the unit-price
discount of a catalogue promotion or flash sale, and the line's share of an order promotion or
voucher, allocated to the fen). Only the vendor-funded part (商家让利) is deducted from the
vendor; platform subsidies (平台补贴) and brand-programme funds (品牌专项资金) are paid to the
vendor by the marketplace, so for them the vendor is settled at the list price. Commission is
charged on the list price less the vendor's own discount. Lines of orders placed before the
discount app have no such rows; for them the difference between list price and paid price is
taken as the vendor's, as it always was.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Exists, OuterRef, Subquery
from django.db.models.functions import Coalesce

from backend.discount.models import DiscountFunding, OrderLineDiscount
from backend.order.models import OrderLine
from backend.order.paid import paid_totals
from backend.payment.models import TransactionEvent, TransactionEventType
from backend.routing.models import ShipmentLine, ShipmentStatus, TrackingAction, TrackingEvent
from backend.settlement.allocation import ZERO, allocate_refunds, commission, split_by_quantity
from backend.settlement.models import StatementLine, StatementLineKind
from backend.vendors.models import Vendor

RECEIVED = (ShipmentStatus.DELIVERED, ShipmentStatus.PICKED_UP)
RECEIVED_ACTIONS = (TrackingAction.DELIVERED, TrackingAction.PICKED_UP)


@dataclass(frozen=True)
class Sale:
    shipment_line_id: int
    order_line: OrderLine
    quantity: int
    amount: Decimal
    discount: Decimal
    delivered_at: dt.datetime


def _received_at():
    """When the parcel reached the shopper: its last delivered/picked-up scan (the parcel's
    last change when a scan is missing, e.g. a parcel marked delivered by the courier)."""
    scans = TrackingEvent.objects.filter(
        shipment=OuterRef("shipment_id"), action__in=RECEIVED_ACTIONS
    ).order_by("-at")
    return Coalesce(Subquery(scans.values("at")[:1]), "shipment__updated_at")


def delivered_sales(vendor: Vendor, *, until: dt.datetime | None = None, since=None):
    """The vendor's received shipment lines (every one, settled or not), with `received_at`."""
    rows = (
        ShipmentLine.objects.filter(order_line__vendor=vendor, shipment__status__in=RECEIVED)
        .annotate(received_at=_received_at())
        .select_related("order_line__order")
    )
    if until is not None:
        rows = rows.filter(received_at__lt=until)
    if since is not None:
        rows = rows.filter(received_at__gte=since)
    return rows


def sales_of(shipment_lines) -> list[Sale]:
    """Price each received shipment line: its share of the order line's list price and
    discount, by quantity, over the order line's parcels (cancelled parcels excluded)."""
    shipment_lines = list(shipment_lines)
    order_lines = {row.order_line_id: row.order_line for row in shipment_lines}
    parcels: dict = defaultdict(list)
    for pk, order_line_id, quantity in (
        ShipmentLine.objects.filter(order_line_id__in=order_lines)
        .exclude(shipment__status=ShipmentStatus.CANCELLED)
        .order_by("pk")
        .values_list("pk", "order_line_id", "quantity")
    ):
        parcels[order_line_id].append((pk, quantity))
    vendor_funded = vendor_discounts(order_lines)
    shares: dict[int, tuple[Decimal, Decimal]] = {}
    for order_line_id, parts in parcels.items():
        line = order_lines[order_line_id]
        paid, discount = settled_line(line, vendor_funded.get(order_line_id))
        # Units beyond the line's quantity (a parcel planned again) carry no money.
        quantities, carried = [], 0
        for _, quantity in parts:
            quantities.append(max(min(quantity, line.quantity - carried), 0))
            carried += quantities[-1]
        paid_parts = split_by_quantity(paid, line.quantity, quantities)
        discount_parts = split_by_quantity(discount, line.quantity, quantities)
        for (pk, _), paid_part, discount_part in zip(
            parts, paid_parts, discount_parts, strict=True
        ):
            shares[pk] = (paid_part + discount_part, discount_part)
    return [
        Sale(
            shipment_line_id=row.pk,
            order_line=row.order_line,
            quantity=row.quantity,
            amount=shares[row.pk][0],
            discount=shares[row.pk][1],
            delivered_at=row.received_at,  # type: ignore[attr-defined]
        )
        for row in shipment_lines
    ]


def settled_line(line: OrderLine, vendor_funded: Decimal | None) -> tuple[Decimal, Decimal]:
    """(what the vendor is settled for the whole line, the vendor's own discount on it): the
    list price less only the discounts the vendor funds (`vendor_funded`, from
    vendor_discounts); platform subsidies and brand-programme discounts are paid to the vendor
    by the marketplace. A line without discount rows (`None`: an order from before the
    discount app) counts every discount as the vendor's."""
    listed = line.undiscounted_unit_price_gross_amount * line.quantity
    discount = vendor_funded
    if discount is None:
        discount = max(listed - line.total_price_gross_amount, ZERO)
    discount = min(discount, listed)
    return listed - discount, discount


def vendor_discounts(order_line_ids) -> dict:
    """The vendor-funded discount of each order line that has discount rows (one query);
    lines without rows are absent."""
    found: dict = {}
    for line_id, funded_by, amount in OrderLineDiscount.objects.filter(
        line_id__in=list(order_line_ids)
    ).values_list("line_id", "funded_by", "amount"):
        found.setdefault(line_id, ZERO)
        if funded_by == DiscountFunding.VENDOR:
            found[line_id] += amount
    return found


@dataclass(frozen=True)
class RefundShare:
    event: TransactionEvent
    order_line: OrderLine
    amount: Decimal


def refund_shares(vendor: Vendor, *, until: dt.datetime | None = None, since=None):
    """The vendor's shares of successful refunds (settled or not) up to `until`, oldest first."""
    vendor_events = TransactionEvent.objects.filter(
        type=TransactionEventType.REFUND_SUCCESS,
        transaction__order__lines__vendor=vendor,
    )
    if until is not None:
        vendor_events = vendor_events.filter(created_at__lt=until)
    order_ids = set(vendor_events.values_list("transaction__order_id", flat=True))
    if not order_ids:
        return []
    events = TransactionEvent.objects.filter(
        type=TransactionEventType.REFUND_SUCCESS, transaction__order_id__in=order_ids
    ).select_related("transaction")
    if until is not None:
        events = events.filter(created_at__lt=until)
    by_order: dict = defaultdict(list)
    for event in events.order_by("created_at", "pk"):
        by_order[event.transaction.order_id].append(event)
    lines_by_order: dict = defaultdict(list)
    for line in (
        OrderLine.objects.filter(order_id__in=order_ids)
        .select_related("order")
        .order_by("order_id", "sort_order", "pk")
    ):
        lines_by_order[line.order_id].append(line)
    named = named_refund_lines([event for events in by_order.values() for event in events])
    # Refunds are shared by what the shopper paid for each line: its total less its share of
    # the order promotion and voucher (backend.order.paid).
    paid = paid_totals(line for lines in lines_by_order.values() for line in lines)
    # Shares already on a statement stay as they were settled: a refund recorded afterwards
    # with an earlier date must not be allocated ahead of them again (it would settle the same
    # goods as refunded twice).
    fixed: dict = defaultdict(dict)
    for event_id, line_id, amount, order_id in StatementLine.objects.filter(
        kind=StatementLineKind.REFUND,
        refund_event__in=[event.pk for events in by_order.values() for event in events],
    ).values_list("refund_event_id", "order_line_id", "amount", "order_line__order_id"):
        fixed[order_id][(event_id, line_id)] = amount
    found: list[RefundShare] = []
    for order_id, order_events in by_order.items():
        lines = {line.pk: line for line in lines_by_order[order_id]}
        allocated = allocate_refunds(
            [(pk, paid[pk]) for pk in lines],
            [(event.pk, event.amount_value, named.get(event.pk)) for event in order_events],
            fixed=fixed.get(order_id),
        )
        events_by_pk = {event.pk: event for event in order_events}
        for (event_pk, line_pk), amount in allocated.items():
            event = events_by_pk[event_pk]
            line = lines[line_pk]
            if line.vendor_id != vendor.pk:
                continue
            if since is not None and event.created_at < since:
                continue
            found.append(RefundShare(event=event, order_line=line, amount=amount))
    found.sort(
        key=lambda share: (
            share.event.created_at,
            share.event.pk,
            share.order_line.sort_order,
            str(share.order_line.pk),
        )
    )
    return found


def named_refund_lines(events) -> dict:
    """Refund event pk → {order line pk: amount} for refunds that named order lines (a granted
    refund's OrderGrantedRefundLine rows, which the payment app records in the metadata of the
    refund's REFUND_REQUEST event, `lines: [{line, quantity, amount}]`); refunds that named
    none are absent and are shared pro rata (allocation.allocate_refunds)."""
    keyed = [event for event in events if event.psp_reference]
    if not keyed:
        return {}
    requests = {
        (transaction_id, reference): metadata
        for transaction_id, reference, metadata in TransactionEvent.objects.filter(
            type=TransactionEventType.REFUND_REQUEST,
            transaction_id__in={event.transaction_id for event in keyed},
            psp_reference__in={event.psp_reference for event in keyed},
        ).values_list("transaction_id", "psp_reference", "metadata")
    }
    found: dict = {}
    for event in keyed:
        metadata = requests.get((event.transaction_id, event.psp_reference)) or {}
        lines = metadata.get("lines") or (event.metadata or {}).get("lines") or []
        try:
            parts = {uuid.UUID(str(row["line"])): Decimal(str(row["amount"])) for row in lines}
        except (KeyError, TypeError, ValueError, ArithmeticError):
            continue  # not a named refund after all: shared pro rata
        if parts:
            found[event.pk] = parts
    return found


def _product(line: OrderLine) -> str:
    return f"{line.product_name} {line.variant_name}".strip()


def unsettled_lines(vendor: Vendor, *, until: dt.datetime, rate: Decimal) -> list[StatementLine]:
    """Unsaved statement lines for every sale and refund share of the vendor up to `until`
    that is on no statement yet (call after removing the redrafted statement's own lines)."""
    settled_sale = StatementLine.objects.filter(
        kind=StatementLineKind.SALE, shipment_line=OuterRef("pk")
    )
    sales = sales_of(
        delivered_sales(vendor, until=until)
        .annotate(settled=Exists(settled_sale))
        .filter(settled=False)
    )
    lines = []
    for sale in sales:
        charged = commission(sale.amount - sale.discount, rate)
        lines.append(
            StatementLine(
                kind=StatementLineKind.SALE,
                order_line=sale.order_line,
                shipment_line_id=sale.shipment_line_id,
                order_number=sale.order_line.order.number,
                product_name=_product(sale.order_line),
                quantity=sale.quantity,
                amount=sale.amount,
                discount=sale.discount,
                commission=charged,
                net=sale.amount - sale.discount - charged,
                occurred_at=sale.delivered_at,
            )
        )
    shares = refund_shares(vendor, until=until)
    if shares:
        settled_refunds = set(
            StatementLine.objects.filter(
                kind=StatementLineKind.REFUND,
                refund_event__in={share.event.pk for share in shares},
            ).values_list("refund_event_id", "order_line_id")
        )
        line_ids = {share.order_line.pk for share in shares}
        sold = set(
            StatementLine.objects.filter(
                kind=StatementLineKind.SALE, order_line_id__in=line_ids
            ).values_list("order_line_id", flat=True)
        ) | {sale.order_line.pk for sale in sales}
        for share in shares:
            key = (share.event.pk, share.order_line.pk)
            if key in settled_refunds or share.order_line.pk not in sold:
                continue
            returned = -commission(share.amount, rate)
            lines.append(
                StatementLine(
                    kind=StatementLineKind.REFUND,
                    order_line=share.order_line,
                    refund_event=share.event,
                    order_number=share.order_line.order.number,
                    product_name=_product(share.order_line),
                    quantity=0,
                    amount=share.amount,
                    commission=returned,
                    net=-share.amount - returned,
                    occurred_at=share.event.created_at,
                )
            )
    # Date order, then the order's own line order (the export lists them so).
    lines.sort(
        key=lambda line: (
            line.occurred_at,
            line.kind,
            line.order_number or 0,
            line.order_line.sort_order if line.order_line else 0,
        )
    )
    return lines
