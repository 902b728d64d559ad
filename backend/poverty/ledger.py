"""The benefit ledger: written when an order is paid, reversed by every refund. Rows are
immutable (models and a database trigger refuse updates and deletes).

Refunds: a granted refund naming lines reverses those units when it is granted
(`record_refund`); every other refund — `orderRefund(id, amount)` with no lines, lines named
only in the refund request, a tourism refund keeping a fee — is reversed when it succeeds
(`record_payment_refunds`, called where the order's refunded total is recomputed, in the same
transaction): named lines exactly, an unnamed amount pro rata over the order's lines by what is
still unrefunded (the settlement's `allocate_refunds`), never beyond what the sale recorded.

`record_payment` runs inside the transaction that marks the order paid
(backend/order/payments.py: update_charge_status), not after the commit: the entries then
exist exactly when the paid status does — a payment that rolls back leaves none, a crash
between the commit and a task cannot lose them — which is what lets the reconciliation check
(`manage.py check_poverty_ledger`) demand exact equality at any moment. The cost is a few
inserts in the payment transaction (bench/poverty.py measures them).

Purchases by the vendor's own staff, or by accounts flagged as related to the vendor, are
written too (so the ledger still reconciles) but marked `excluded`; every figure of the zone
and the reports leaves them out, so the figures cannot be padded.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db.models import Sum
from django.utils import timezone

from backend.core.money import FEN
from backend.order.models import Order, OrderGrantedRefund, OrderLine
from backend.order.paid import order_discount_shares, paid_of, paid_totals
from backend.poverty.attribution import ZERO, cumulative, line_benefit, split
from backend.poverty.models import (
    BenefitEntry,
    Certification,
    EntryKind,
    Exclusion,
    RelatedAccount,
    ZoneSale,
)
from backend.poverty.selectors import in_force_filter
from backend.vendors.models import VendorStaff


def _certifications_in_force(product_ids, at) -> dict[int, Certification]:
    found: dict[int, Certification] = {}
    rows = (
        Certification.objects.filter(in_force_filter(at), product_id__in=product_ids)
        .prefetch_related("beneficiaries__household")
        .order_by("product_id", "-valid_from", "-pk")
    )
    for certification in rows:
        found.setdefault(certification.product_id, certification)
    return found


def exclusion_for(order: Order, vendor_id: int | None) -> str:
    """Why a purchase of the vendor's product by this order's buyer must not count."""
    if vendor_id is None:
        return Exclusion.NONE
    user_ids = [order.user_id] if order.user_id else []
    # Accounts keep phones as +86…, orders as typed: compare the 11-digit mainland number.
    digits = "".join(ch for ch in (order.user_phone or "") if ch.isdigit())[-11:]
    staff = VendorStaff.objects.filter(vendor_id=vendor_id)
    if user_ids and staff.filter(user_id__in=user_ids).exists():
        return Exclusion.VENDOR_STAFF
    if len(digits) == 11 and staff.filter(user__phone__endswith=digits).exists():
        return Exclusion.VENDOR_STAFF
    if (
        user_ids
        and RelatedAccount.objects.filter(user_id__in=user_ids, vendor_id=vendor_id).exists()
    ):
        return Exclusion.RELATED_ACCOUNT
    return Exclusion.NONE


def _targets(certification: Certification) -> list[tuple[int | None, int, int]]:
    """(household id, village id, weight) for each beneficiary."""
    rows: list[tuple[int | None, int, int]] = []
    for beneficiary in certification.beneficiaries.all():
        if beneficiary.household_id is not None:
            assert beneficiary.household is not None
            rows.append(
                (beneficiary.household_id, beneficiary.household.village_id, beneficiary.weight)
            )
        elif beneficiary.village_id is not None:
            rows.append((None, beneficiary.village_id, beneficiary.weight))
    return rows


def record_payment(order: Order, *, at=None) -> list[ZoneSale]:
    """Write the zone sales and benefit entries of the order's lines of certified products,
    under the certification in force at `at` (default now). A rerun writes nothing twice."""
    at = at or timezone.now()
    lines = list(
        OrderLine.objects.filter(order=order, variant__isnull=False)
        .select_related("variant")
        .order_by("sort_order", "pk")
    )
    if not lines:
        return []
    by_product = {line.pk: line.variant.product_id for line in lines if line.variant}
    certifications = _certifications_in_force(set(by_product.values()), at)
    if not certifications:
        return []
    done = set(
        ZoneSale.objects.filter(
            kind=EntryKind.SALE, order_line__in=[line.pk for line in lines]
        ).values_list("order_line_id", flat=True)
    )
    exclusions: dict = {}
    # What the shopper paid for each line: less its share of the order's 满减 and voucher.
    paid = paid_totals(lines)
    sales: list[ZoneSale] = []
    pending: list[tuple[ZoneSale, list[tuple[int | None, int, int]]]] = []
    for line in lines:
        certification = certifications.get(by_product.get(line.pk))  # type: ignore[arg-type]
        if certification is None or line.pk in done:
            continue
        if certification.vendor_id not in exclusions:
            exclusions[certification.vendor_id] = exclusion_for(order, certification.vendor_id)
        excluded = exclusions[certification.vendor_id]
        benefit = line_benefit(certification, quantity=line.quantity, amount=paid[line.pk])
        sale = ZoneSale(
            kind=EntryKind.SALE,
            order_line=line,
            order=order,
            certification=certification,
            product_id=certification.product_id,
            vendor_id=certification.vendor_id,
            mechanism=certification.mechanism,
            quantity=line.quantity,
            amount=paid[line.pk],
            benefit_amount=benefit,
            excluded=excluded,
            occurred_at=at,
        )
        sales.append(sale)
        pending.append((sale, _targets(certification)))
    ZoneSale.objects.bulk_create(sales)
    entries = []
    for sale, targets in pending:
        shares = split(sale.benefit_amount, [weight for _h, _v, weight in targets])
        for (household_id, village_id, _weight), share in zip(targets, shares, strict=True):
            entries.append(
                BenefitEntry(
                    sale=sale,
                    household_id=household_id,
                    village_id=village_id,
                    amount=share,
                    excluded=sale.excluded,
                    occurred_at=at,
                )
            )
    BenefitEntry.objects.bulk_create(entries)
    return sales


def _reversed_so_far(sale_ids_by_line: dict) -> dict:
    """Order line pk → (units, amount, benefit) already reversed, as positive figures."""
    found: dict = defaultdict(lambda: (0, ZERO, ZERO))
    for line_id, units, amount, benefit in (
        ZoneSale.objects.filter(kind=EntryKind.REFUND, order_line_id__in=list(sale_ids_by_line))
        .values("order_line_id")
        .annotate(u=Sum("quantity"), a=Sum("amount"), b=Sum("benefit_amount"))
        .values_list("order_line_id", "u", "a", "b")
    ):
        found[line_id] = (-(units or 0), -(amount or ZERO), -(benefit or ZERO))
    return found


def _write_reversal(
    sale: ZoneSale,
    originals: list[BenefitEntry],
    *,
    units: int,
    amount: Decimal,
    target_benefit: Decimal,
    already_benefit: Decimal,
    at,
    granted: OrderGrantedRefund | None = None,
    event=None,
) -> ZoneSale | None:
    """One reversal of `sale`: `units` and `amount` given back, and the benefit brought to
    `target_benefit` in all (never below zero nor beyond what was written), each beneficiary
    giving back the difference of its cumulative shares."""
    target = min(max(target_benefit, already_benefit), sale.benefit_amount)
    benefit = target - already_benefit
    if units <= 0 and amount <= 0 and benefit <= 0:
        return None
    reversal = ZoneSale.objects.create(
        kind=EntryKind.REFUND,
        order_line_id=sale.order_line_id,
        order_id=sale.order_id,
        granted_refund=granted,
        refund_event=event,
        certification=sale.certification,
        product_id=sale.product_id,
        vendor_id=sale.vendor_id,
        mechanism=sale.mechanism,
        quantity=-units,
        amount=-amount,
        benefit_amount=-benefit,
        excluded=sale.excluded,
        occurred_at=at,
    )
    weights = [max(int(entry.amount * 100), 0) for entry in originals]
    after_shares = split(target, weights)
    before_shares = split(already_benefit, weights)
    BenefitEntry.objects.bulk_create(
        BenefitEntry(
            sale=reversal,
            household_id=entry.household_id,
            village_id=entry.village_id,
            amount=before_share - after_share,
            excluded=sale.excluded,
            occurred_at=at,
        )
        for entry, after_share, before_share in zip(
            originals, after_shares, before_shares, strict=True
        )
        if after_share != before_share
    )
    return reversal


def _originals(sales) -> dict:
    found: dict = defaultdict(list)
    for entry in BenefitEntry.objects.filter(sale__in=list(sales)).order_by("pk"):
        found[entry.sale_id].append(entry)
    return found


def record_refund(granted: OrderGrantedRefund, *, at=None) -> list[ZoneSale]:
    """Reverse the refunded units of each named line that has a zone sale: negative quantity,
    amount (the granted line amount) and benefit, each beneficiary giving back its share.
    Never more than was recorded, whatever other refunds reversed before."""
    at = at or timezone.now()
    refund_lines = list(granted.lines.select_related("order_line"))
    if not refund_lines:
        return []
    sales = {
        sale.order_line_id: sale
        for sale in ZoneSale.objects.filter(
            kind=EntryKind.SALE, order_line_id__in=[row.order_line_id for row in refund_lines]
        ).select_related("certification")
    }
    if not sales:
        return []
    before = _reversed_so_far(sales)
    originals = _originals(sales.values())
    written = []
    for row in refund_lines:
        sale = sales.get(row.order_line_id)
        if sale is None:
            continue
        done, done_amount, done_benefit = before[row.order_line_id]
        units = min(row.quantity, sale.quantity - done)
        amount = min(row.amount_value, sale.amount - done_amount)
        if units <= 0:
            continue
        reversal = _write_reversal(
            sale,
            originals[sale.pk],
            units=units,
            amount=max(amount, ZERO),
            target_benefit=cumulative(sale.benefit_amount, done + units, sale.quantity),
            already_benefit=done_benefit,
            at=at,
            granted=granted,
        )
        if reversal is not None:
            written.append(reversal)
    return written


def _effective_refunds(order_ids) -> dict:
    """Order id → its successful refund events oldest first (a refund the provider later
    reported failed is left out)."""
    from backend.payment.models import TransactionEvent, TransactionEventType

    failed = set(
        TransactionEvent.objects.filter(
            type=TransactionEventType.REFUND_FAILURE, transaction__order_id__in=order_ids
        )
        .exclude(psp_reference="")
        .values_list("transaction_id", "psp_reference")
    )
    found: dict = defaultdict(list)
    for event in (
        TransactionEvent.objects.filter(
            type=TransactionEventType.REFUND_SUCCESS, transaction__order_id__in=order_ids
        )
        .select_related("transaction")
        .order_by("created_at", "pk")
    ):
        if (event.transaction_id, event.psp_reference) in failed:
            continue
        found[event.transaction.order_id].append(event)
    return found


def _granted_events(events) -> set:
    """The refund events that sent a granted refund (its lines were reversed at the grant)."""
    from backend.payment.models import TransactionEvent, TransactionEventType

    keyed = [event for event in events if event.psp_reference]
    if not keyed:
        return set()
    sent = set(
        TransactionEvent.objects.filter(
            type=TransactionEventType.REFUND_REQUEST,
            transaction_id__in={event.transaction_id for event in keyed},
            psp_reference__in={event.psp_reference for event in keyed},
            metadata__has_key="granted_refund",
        ).values_list("transaction_id", "psp_reference")
    )
    return {event.pk for event in keyed if (event.transaction_id, event.psp_reference) in sent}


def refund_event_shares(order_ids) -> dict:
    """(refund event pk, order line pk) → the part of the refund that falls on the line, for
    the successful refunds of the orders that were not granted refunds (those are reversed by
    their granted lines): lines the refund named get exactly their amount, an unnamed amount is
    shared over the order's lines by what is still unrefunded of each, in whole fen — the rule
    of the vendors' settlement (backend/settlement/collection.py, allocation.allocate_refunds),
    so the zone and the statements agree on which line a refund took back."""
    from backend.settlement.allocation import allocate_refunds
    from backend.settlement.collection import named_refund_lines

    by_order = _effective_refunds(order_ids)
    if not by_order:
        return {}
    all_events = [event for events in by_order.values() for event in events]
    named = named_refund_lines(all_events)
    granted = _granted_events(all_events)
    lines: dict = defaultdict(list)
    order_lines = list(
        OrderLine.objects.filter(order_id__in=list(by_order)).order_by(
            "order_id", "sort_order", "pk"
        )
    )
    # Refunds are shared by what was paid for each line, as settlement shares them.
    paid = paid_totals(order_lines)
    for line in order_lines:
        lines[line.order_id].append((line.pk, paid[line.pk]))
    found: dict = {}
    for order_id, events in by_order.items():
        allocated = allocate_refunds(
            lines[order_id],
            [(event.pk, event.amount_value, named.get(event.pk)) for event in events],
        )
        for (event_key, line_key), share in allocated.items():
            if event_key not in granted:
                found[(event_key, line_key)] = share
    return found


def record_payment_refunds(order: Order, *, at=None) -> list[ZoneSale]:
    """Reverse the order's zone sales for each successful refund not yet reversed that was not
    a granted refund with lines: `orderRefund(id, amount)`, a refund with lines sent without a
    grant, a tourism refund keeping a fee. Called where a refund becomes effective (the
    order's charge status is recomputed, backend/order/payments.py) in the same transaction,
    under the order's row lock; rerunning writes nothing twice (one reversal per refund event
    and line). The amount reversed is the line's share (never beyond what the sale recorded);
    no units are named, so the quantity is 0; the benefit given back follows the amount
    (cumulative rounding: the whole amount refunded gives back the whole benefit)."""
    sales = {
        sale.order_line_id: sale
        for sale in ZoneSale.objects.filter(kind=EntryKind.SALE, order=order).select_related(
            "certification"
        )
    }
    if not sales:
        return []
    at = at or timezone.now()
    shares = refund_event_shares([order.pk])
    done = set(
        ZoneSale.objects.filter(
            kind=EntryKind.REFUND, order=order, refund_event__isnull=False
        ).values_list("refund_event_id", "order_line_id")
    )
    pending = sorted(
        (key for key in shares if key not in done and key[1] in sales),
        key=lambda key: key[0],
    )
    if not pending:
        return []
    from backend.payment.models import TransactionEvent

    events = TransactionEvent.objects.in_bulk([event_pk for event_pk, _line in pending])
    originals = _originals(sales.values())
    written = []
    for event_pk, line_id in pending:
        sale = sales[line_id]
        _units, done_amount, done_benefit = _reversed_so_far({line_id: sale})[line_id]
        amount = min(shares[(event_pk, line_id)], sale.amount - done_amount)
        if amount <= 0:
            continue
        whole = int((sale.amount / FEN).to_integral_value())
        reversal = _write_reversal(
            sale,
            originals[sale.pk],
            units=0,
            amount=amount,
            target_benefit=cumulative(
                sale.benefit_amount,
                int(((done_amount + amount) / FEN).to_integral_value()),
                whole,
            ),
            already_benefit=done_benefit,
            at=at,
            event=events[event_pk],
        )
        if reversal is not None:
            written.append(reversal)
    return written


def reconciliation_problems(*, order_ids=None) -> list[str]:
    """Every way the ledger disagrees with the paid order lines (empty: it reconciles).

    - each zone sale records its line's quantity and paid amount, and its order is paid;
    - each sale's benefit entries add up to its benefit amount (also for reversals);
    - each line's reversals add up to the granted refund lines of that line plus its shares of
      the other successful refunds (refund_event_shares), never beyond the sale; a line
      refunded whole has given back its whole benefit;
    - each paid line of a product certified when its order was paid has its zone sale."""
    from backend.order.models import (
        OrderChargeStatus,
        OrderEvent,
        OrderEvents,
        OrderGrantedRefundLine,
    )

    problems: list[str] = []
    sales = ZoneSale.objects.all()
    if order_ids is not None:
        sales = sales.filter(order_id__in=order_ids)
    sums = dict(
        BenefitEntry.objects.filter(sale__in=sales)
        .values("sale_id")
        .annotate(total=Sum("amount"))
        .values_list("sale_id", "total")
    )
    paid = (OrderChargeStatus.FULL, OrderChargeStatus.OVERCHARGED)
    reversed_units: dict = defaultdict(int)
    reversed_amount: dict = defaultdict(lambda: ZERO)
    reversed_benefit: dict = defaultdict(lambda: ZERO)
    sale_lines: dict = {}
    # A sale records what the shopper paid for its line (less the order discounts' share).
    shares = order_discount_shares(
        sales.filter(kind=EntryKind.SALE).values_list("order_line_id", flat=True)
    )
    for sale in sales.select_related("order_line", "order").iterator(chunk_size=2000):
        total = sums.get(sale.pk, ZERO)
        if total != sale.benefit_amount:
            problems.append(f"sale {sale.pk}: entries {total} != benefit {sale.benefit_amount}")
        if sale.kind == EntryKind.SALE:
            sale_lines[sale.order_line_id] = sale
            line = sale.order_line
            if sale.order.charge_status not in paid:
                problems.append(f"sale {sale.pk}: order #{sale.order.number} is not paid")
            if sale.quantity != line.quantity or sale.amount != paid_of(line, shares):
                problems.append(f"sale {sale.pk}: differs from order line {line.pk}")
        else:
            reversed_units[sale.order_line_id] += -sale.quantity
            reversed_amount[sale.order_line_id] += -sale.amount
            reversed_benefit[sale.order_line_id] += -sale.benefit_amount
    granted: dict = defaultdict(lambda: [0, ZERO])
    for line_id, quantity, amount in OrderGrantedRefundLine.objects.filter(
        order_line_id__in=list(sale_lines)
    ).values_list("order_line_id", "quantity", "amount_value"):
        granted[line_id][0] += quantity
        granted[line_id][1] += amount
    unnamed: dict = defaultdict(lambda: ZERO)
    # Only orders with a successful refund are read (a subquery, not a list of every order).
    for (_event, line_id), share in refund_event_shares(
        sales.filter(kind=EntryKind.SALE).values("order_id")
    ).items():
        unnamed[line_id] += share
    for line_id, sale in sale_lines.items():
        units, amount = granted.get(line_id, (0, ZERO))
        expected = min(amount + unnamed[line_id], sale.amount)
        if reversed_units[line_id] != min(units, sale.quantity) or (
            reversed_amount[line_id] != expected
        ):
            problems.append(
                f"line {line_id}: reversed {reversed_units[line_id]} units "
                f"{reversed_amount[line_id]}, refunds granted {units} units {amount}, "
                f"other refunds {unnamed[line_id]}"
            )
        if reversed_benefit[line_id] > sale.benefit_amount or (
            reversed_amount[line_id] == sale.amount
            and reversed_benefit[line_id] != sale.benefit_amount
        ):
            problems.append(
                f"line {line_id}: benefit reversed {reversed_benefit[line_id]} "
                f"of {sale.benefit_amount}"
            )
    # Paid lines of products certified at the moment of payment must all be in the ledger.
    events = OrderEvent.objects.filter(type=OrderEvents.ORDER_FULLY_PAID)
    if order_ids is not None:
        events = events.filter(order_id__in=order_ids)
    product_ids = set(Certification.objects.values_list("product_id", flat=True))
    if product_ids:
        lines = OrderLine.objects.filter(
            order__in=events.values("order_id"),
            order__charge_status__in=paid,
            variant__product_id__in=product_ids,
        ).values_list("pk", "order_id", "variant__product_id")
        paid_at = dict(events.values_list("order_id", "date"))
        for line_id, order_id, product_id in lines.iterator(chunk_size=2000):
            if line_id in sale_lines:
                continue
            at = paid_at.get(order_id)
            if (
                at is not None
                and Certification.objects.filter(
                    in_force_filter(at), product_id=product_id
                ).exists()
            ):
                problems.append(f"line {line_id}: paid at {at:%Y-%m-%d %H:%M} but not in ledger")
    return problems
