"""The benefit ledger: written when an order is paid, reversed when a granted refund names
lines. Rows are immutable (models and a database trigger refuse updates and deletes).

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

from django.db.models import Sum
from django.utils import timezone

from backend.order.models import Order, OrderGrantedRefund, OrderLine
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
    sales: list[ZoneSale] = []
    pending: list[tuple[ZoneSale, list[tuple[int | None, int, int]]]] = []
    for line in lines:
        certification = certifications.get(by_product.get(line.pk))  # type: ignore[arg-type]
        if certification is None or line.pk in done:
            continue
        if certification.vendor_id not in exclusions:
            exclusions[certification.vendor_id] = exclusion_for(order, certification.vendor_id)
        excluded = exclusions[certification.vendor_id]
        benefit = line_benefit(
            certification, quantity=line.quantity, amount=line.total_price_gross_amount
        )
        sale = ZoneSale(
            kind=EntryKind.SALE,
            order_line=line,
            order=order,
            certification=certification,
            product_id=certification.product_id,
            vendor_id=certification.vendor_id,
            mechanism=certification.mechanism,
            quantity=line.quantity,
            amount=line.total_price_gross_amount,
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


def record_refund(granted: OrderGrantedRefund, *, at=None) -> list[ZoneSale]:
    """Reverse the refunded units of each named line that has a zone sale: negative quantity,
    amount (the granted line amount) and benefit, each beneficiary giving back its share."""
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
    # Units of each line reversed before this refund.
    before: dict = defaultdict(int)
    for line_id, quantity in (
        ZoneSale.objects.filter(kind=EntryKind.REFUND, order_line_id__in=list(sales))
        .exclude(granted_refund=granted)
        .values("order_line_id")
        .annotate(total=Sum("quantity"))
        .values_list("order_line_id", "total")
    ):
        before[line_id] = -quantity
    originals: dict = defaultdict(list)
    for entry in BenefitEntry.objects.filter(sale__in=list(sales.values())).order_by("pk"):
        originals[entry.sale_id].append(entry)
    written = []
    for row in refund_lines:
        sale = sales.get(row.order_line_id)
        if sale is None:
            continue
        done = before[row.order_line_id]
        units = min(row.quantity, sale.quantity - done)
        if units <= 0:
            continue
        benefit = cumulative(sale.benefit_amount, done + units, sale.quantity) - cumulative(
            sale.benefit_amount, done, sale.quantity
        )
        reversal = ZoneSale.objects.create(
            kind=EntryKind.REFUND,
            order_line_id=sale.order_line_id,
            order_id=sale.order_id,
            granted_refund=granted,
            certification=sale.certification,
            product_id=sale.product_id,
            vendor_id=sale.vendor_id,
            mechanism=sale.mechanism,
            quantity=-units,
            amount=-row.amount_value,
            benefit_amount=-benefit,
            excluded=sale.excluded,
            occurred_at=at,
        )
        entries = originals[sale.pk]
        weights = [max(int(entry.amount * 100), 0) for entry in entries]
        after_shares = split(cumulative(sale.benefit_amount, done + units, sale.quantity), weights)
        before_shares = split(cumulative(sale.benefit_amount, done, sale.quantity), weights)
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
                entries, after_shares, before_shares, strict=True
            )
            if after_share != before_share
        )
        written.append(reversal)
    return written


def reconciliation_problems(*, order_ids=None) -> list[str]:
    """Every way the ledger disagrees with the paid order lines (empty: it reconciles).

    - each zone sale records its line's quantity and paid amount, and its order is paid;
    - each sale's benefit entries add up to its benefit amount (also for reversals);
    - each line's reversals add up to the granted refund lines of that line, never beyond it;
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
    sale_lines: dict = {}
    for sale in sales.select_related("order_line", "order").iterator(chunk_size=2000):
        total = sums.get(sale.pk, ZERO)
        if total != sale.benefit_amount:
            problems.append(f"sale {sale.pk}: entries {total} != benefit {sale.benefit_amount}")
        if sale.kind == EntryKind.SALE:
            sale_lines[sale.order_line_id] = sale
            line = sale.order_line
            if sale.order.charge_status not in paid:
                problems.append(f"sale {sale.pk}: order #{sale.order.number} is not paid")
            if sale.quantity != line.quantity or sale.amount != line.total_price_gross_amount:
                problems.append(f"sale {sale.pk}: differs from order line {line.pk}")
        else:
            reversed_units[sale.order_line_id] += -sale.quantity
            reversed_amount[sale.order_line_id] += -sale.amount
    granted: dict = defaultdict(lambda: [0, ZERO])
    for line_id, quantity, amount in OrderGrantedRefundLine.objects.filter(
        order_line_id__in=list(sale_lines)
    ).values_list("order_line_id", "quantity", "amount_value"):
        granted[line_id][0] += quantity
        granted[line_id][1] += amount
    for line_id, sale in sale_lines.items():
        units, amount = granted.get(line_id, (0, ZERO))
        if reversed_units[line_id] != min(units, sale.quantity) or (
            units <= sale.quantity and reversed_amount[line_id] != amount
        ):
            problems.append(
                f"line {line_id}: reversed {reversed_units[line_id]} units "
                f"{reversed_amount[line_id]}, refunds granted {units} units {amount}"
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
