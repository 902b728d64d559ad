"""Who funds a discount decides what the vendor is settled: only the vendor's own discount
(商家让利) is deducted; platform subsidies and brand-programme funds are paid to the vendor by
the marketplace, so the sale stays at the list price for them. Orders placed before the
discount app (no discount rows) keep the old rule: every discount is the vendor's."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from backend.discount.models import DiscountFunding, OrderDiscount, OrderLineDiscount
from backend.discount.pricing import allocate
from backend.settlement import services
from backend.settlement.models import StatementLineKind
from tests.settlement.conftest import at, deliver, make_order

pytestmark = pytest.mark.django_db

MARCH = (dt.date(2026, 3, 1), dt.date(2026, 3, 31))
D = Decimal


def draft(vendor, actor):
    return services.draft_statement(
        vendor=vendor, period_start=MARCH[0], period_end=MARCH[1], actor=actor
    )


def sale_lines(statement):
    return list(statement.lines.filter(kind=StatementLineKind.SALE).order_by("pk"))


@pytest.mark.parametrize(
    ("funded_by", "vendor_discount", "commission", "net"),
    [
        # 3 × 15.00 listed, sold at 12.80: 6.60 off. Commission 5 % of what the vendor sells for.
        (DiscountFunding.VENDOR, D("6.60"), D("1.92"), D("36.48")),
        (DiscountFunding.PLATFORM, D("0.00"), D("2.25"), D("42.75")),
        (DiscountFunding.BRAND, D("0.00"), D("2.25"), D("42.75")),
    ],
)
def test_a_catalogue_discount_is_deducted_only_when_the_vendor_funds_it(
    channel, vendor, manager, funded_by, vendor_discount, commission, net
):
    _order, (line,) = make_order(
        channel, [{"vendor": vendor, "price": "12.80", "quantity": 3, "list_price": "15.00"}]
    )
    OrderLineDiscount.objects.create(
        line=line, type="promotion", name="丰收节", amount=D("6.60"), funded_by=funded_by
    )
    deliver([line], at(2026, 3, 10))

    statement = draft(vendor, manager)

    (sale,) = sale_lines(statement)
    assert (sale.amount, sale.discount, sale.commission, sale.net) == (
        D("45.00"),
        vendor_discount,
        commission,
        net,
    )
    assert statement.discount_amount == vendor_discount


def test_order_discounts_allocated_to_the_fen_reach_each_vendor_by_funding(
    channel, vendor, other_vendor, manager
):
    """A platform voucher of 10.00 and a vendor-funded 满减 of 5.00 over three lines of two
    vendors: the shares add up to the fen, and each vendor carries only its 满减 share."""
    order, lines = make_order(
        channel,
        [
            {"vendor": vendor, "price": "33.33", "quantity": 1},
            {"vendor": vendor, "price": "16.67", "quantity": 2},
            {"vendor": other_vendor, "price": "10.01", "quantity": 3},
        ],
    )
    totals = [line.total_price_gross_amount for line in lines]
    for name, amount, funded_by in (
        ("满50减5", D("5.00"), DiscountFunding.VENDOR),
        ("平台券", D("10.00"), DiscountFunding.PLATFORM),
    ):
        discount = OrderDiscount.objects.create(
            order=order, type="promotion", name=name, amount=amount, funded_by=funded_by
        )
        shares = allocate(amount, totals)
        assert sum(shares) == amount
        for line, share in zip(lines, shares, strict=True):
            OrderLineDiscount.objects.create(
                line=line,
                order_discount=discount,
                type=discount.type,
                name=name,
                amount=share,
                funded_by=funded_by,
            )
    deliver(lines, at(2026, 3, 12))

    mine = draft(vendor, manager)
    theirs = draft(other_vendor, manager)

    vendor_share = {
        line.pk: sum(
            d.amount
            for d in OrderLineDiscount.objects.filter(line=line, funded_by=DiscountFunding.VENDOR)
        )
        for line in lines
    }
    assert [s.discount for s in sale_lines(mine)] == [
        vendor_share[lines[0].pk],
        vendor_share[lines[1].pk],
    ]
    assert [s.discount for s in sale_lines(theirs)] == [vendor_share[lines[2].pk]]
    assert mine.discount_amount + theirs.discount_amount == D("5.00")
    # The platform's 10.00 is not taken from either vendor: gross is the list price.
    assert mine.gross_amount + theirs.gross_amount == sum(totals)


def test_an_order_without_discount_rows_keeps_the_vendor_funded_rule(channel, vendor, manager):
    _order, (line,) = make_order(
        channel, [{"vendor": vendor, "price": "12.80", "quantity": 3, "list_price": "15.00"}]
    )
    deliver([line], at(2026, 3, 10))
    (sale,) = sale_lines(draft(vendor, manager))
    assert sale.discount == D("6.60")


def test_a_refund_is_shared_by_what_the_shopper_paid_after_order_discounts(
    channel, vendor, other_vendor, manager
):
    """Two lines of 50.00; a platform voucher of 20.00 fell entirely on the first (a
    specific-product voucher), so the shopper paid 30.00 and 50.00: a full refund of 80.00 gives
    back 30.00 on the first vendor's line and 50.00 on the second's."""
    from tests.settlement.conftest import refund

    order, (first, second) = make_order(
        channel,
        [{"vendor": vendor, "price": "50.00"}, {"vendor": other_vendor, "price": "50.00"}],
    )
    voucher = OrderDiscount.objects.create(
        order=order, type="voucher", name="券", amount=D("20.00"), funded_by="platform"
    )
    OrderLineDiscount.objects.create(
        line=first,
        order_discount=voucher,
        type="voucher",
        name="券",
        amount=D("20.00"),
        funded_by="platform",
    )
    deliver([first, second], at(2026, 3, 10))
    refund(order, "80.00", at(2026, 3, 20))

    mine = draft(vendor, manager)
    theirs = draft(other_vendor, manager)

    (mine_refund,) = mine.lines.filter(kind=StatementLineKind.REFUND)
    (their_refund,) = theirs.lines.filter(kind=StatementLineKind.REFUND)
    assert (mine_refund.amount, their_refund.amount) == (D("30.00"), D("50.00"))
    # The platform-funded voucher is not the vendor's: it is settled the list price.
    (sale,) = sale_lines(mine)
    assert (sale.amount, sale.discount) == (D("50.00"), D("0.00"))
