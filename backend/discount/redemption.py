"""Using up vouchers and flash-sale quantity when a checkout becomes an order, and giving them
back when an unpaid order is cancelled or expires.

Limits are counters on rows (`Voucher.used`, `VoucherCode.used`, `SpecialPrice.quantity_sold`)
changed only inside the completion transaction after `SELECT ... FOR UPDATE` on those rows,
always locked in primary-key order (vouchers, then codes, then special prices) so that two
completions never wait on each other in a cycle. Under the lock the limit is checked again: a
voucher used up or a flash sale sold out since the cart was priced refuses the completion with
a typed error and nothing is written (the caller's transaction rolls back).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Sum
from django.utils.translation import gettext as _

from backend.catalog.cache import bump_catalog_version
from backend.discount.error_codes import DiscountErrorCode
from backend.discount.models import (
    OrderDiscount,
    OrderDiscountType,
    OrderLineDiscount,
    SpecialPrice,
    SpecialPricePurchase,
    Voucher,
    VoucherCode,
    VoucherCustomer,
)
from backend.discount.pricing import CheckoutPricing, LinePricing
from backend.discount.vouchers import (
    find_code,
    normalize_code,
    promo_error,
    voucher_state_problem,
)


@dataclass
class Locked:
    voucher: Voucher | None = None
    code: VoucherCode | None = None
    special_prices: dict[int, SpecialPrice] = field(default_factory=dict)


def flash_error(code: str, field_name: str, message: str) -> ValidationError:
    return ValidationError({field_name: ValidationError(message, code=code)})


def purchased_quantity(special_price_id: int, customer: str) -> int:
    if not customer:
        return 0
    total = SpecialPricePurchase.objects.filter(
        special_price_id=special_price_id, customer_key=customer
    ).aggregate(total=Sum("quantity"))["total"]
    return int(total or 0)


def check_per_customer_cap(
    *, special_price_id: int, per_customer_limit: int | None, customer: str, quantity: int
) -> None:
    """The flash sale's per-customer cap, counting what the customer bought before; raised on
    "quantity" (the cart line being added or changed)."""
    if per_customer_limit is None:
        return
    bought = purchased_quantity(special_price_id, customer)
    if bought + quantity > per_customer_limit:
        raise flash_error(
            DiscountErrorCode.FLASH_SALE_LIMIT_EXCEEDED,
            "quantity",
            _("秒杀商品每人限购 %(limit)s 件，您已购买 %(bought)s 件。")
            % {"limit": per_customer_limit, "bought": bought},
        )


def lock_and_check(*, checkout, pricing: CheckoutPricing, customer: str, at) -> Locked:
    """Lock the voucher and special-price rows this checkout uses and check their limits again.
    Raises ValidationError (promo_code / lines) with a DiscountErrorCode."""
    locked = Locked()
    code = normalize_code(checkout.voucher_code)
    if code:
        found = find_code(code)
        if found is None:
            raise promo_error(DiscountErrorCode.NOT_FOUND)
        locked.voucher = Voucher.objects.select_for_update().get(pk=found.voucher_id)
        locked.code = VoucherCode.objects.select_for_update().get(pk=found.pk)
        problem = voucher_state_problem(
            locked.voucher,
            locked.code,
            channel_id=checkout.channel_id,
            at=at,
            customer=customer,
        )
        if problem is None and pricing.voucher_error is not None:
            problem = pricing.voucher_error
        if problem is None and pricing.voucher is None:
            problem = DiscountErrorCode.VOUCHER_NOT_APPLICABLE
        if problem is not None:
            raise promo_error(problem)
    special_ids = sorted({p.special_price.id for p in pricing.lines if p.special_price})
    if special_ids:
        rows = SpecialPrice.objects.select_for_update().filter(pk__in=special_ids).order_by("pk")
        locked.special_prices = {row.pk: row for row in rows}
    for line in pricing.lines:
        if line.special_price is None:
            continue
        row = locked.special_prices.get(line.special_price.id)
        if (
            row is None
            or not row.is_active
            or not (row.starts_at <= at < row.ends_at)
            or (
                row.quantity_limit is not None
                and row.quantity_sold + line.quantity > row.quantity_limit
            )
        ):
            name = row.name if row is not None else line.special_price.name
            raise flash_error(
                DiscountErrorCode.FLASH_SALE_SOLD_OUT,
                "lines",
                _("“%(name)s”秒杀价商品已售罄或不足所需数量，请刷新购物车后按原价购买。")
                % {"name": name},
            )
        if row.per_customer_limit is not None:
            bought = purchased_quantity(row.pk, customer)
            if bought + line.quantity > row.per_customer_limit:
                raise flash_error(
                    DiscountErrorCode.FLASH_SALE_LIMIT_EXCEEDED,
                    "quantity",
                    _("秒杀商品每人限购 %(limit)s 件，您已购买 %(bought)s 件。")
                    % {"limit": row.per_customer_limit, "bought": bought},
                )
    return locked


def _line_discount_rows(line: LinePricing, order_line, by_discount) -> list[OrderLineDiscount]:
    rows = []
    for share in line.shares:
        if not share.amount:
            continue
        d = share.discount
        rows.append(
            OrderLineDiscount(
                line=order_line,
                order_discount=by_discount.get(id(d)) if share.order_level else None,
                type=d.type,
                name=d.name,
                promotion_id=d.promotion_id,
                voucher_id=d.voucher_id,
                special_price_id=d.special_price_id,
                amount=share.amount,
                currency=order_line.currency,
                funded_by=d.funded_by,
            )
        )
    return rows


def gift_line(order, pricing: CheckoutPricing, *, checkout_token=None):
    """The free line of a gift order promotion (满赠): price 0 with the gift's list price kept,
    stock allocated, if the gift is still listed and in stock; otherwise None (no gift)."""
    promotion = pricing.order_promotion
    if promotion is None or promotion.gift_variant_id is None:
        return None
    from backend.catalog.models import ProductVariant
    from backend.inventory.allocation import InsufficientStock, allocate
    from backend.order.models import OrderLine

    variant = (
        ProductVariant.objects.select_related("product__product_type", "product__vendor")
        .filter(pk=promotion.gift_variant_id)
        .first()
    )
    listing = (
        variant.channel_listings.filter(channel_id=order.channel_id).first() if variant else None
    )
    if variant is None or listing is None or listing.price_amount is None:
        return None
    product = variant.product
    zero = listing.price_amount * 0
    line = OrderLine(
        order=order,
        variant=variant,
        vendor=product.vendor,
        product_name=product.name,
        variant_name=variant.name,
        product_sku=variant.sku,
        vendor_name=product.vendor.name if product.vendor else "",
        is_shipping_required=product.product_type.is_shipping_required,
        quantity=1,
        currency=order.currency,
        unit_price_net_amount=zero,
        unit_price_gross_amount=zero,
        total_price_net_amount=zero,
        total_price_gross_amount=zero,
        undiscounted_unit_price_gross_amount=listing.price_amount,
        tax_rate=product.product_type.tax_rate,
        weight_grams=variant.weight_grams or product.weight_grams or 0,
        sort_order=order.lines.count(),
    )
    try:
        with transaction.atomic():  # a savepoint: a gift out of stock leaves no half line
            line.save()
            allocate([line], order.channel_id, checkout_token=checkout_token)
    except InsufficientStock:
        return None
    return line


def record(
    *,
    order,
    order_lines,
    pricing: CheckoutPricing,
    locked: Locked,
    customer: str,
    checkout_token=None,
) -> None:
    """Write the order's discounts and use up the locked counters (inside the completion
    transaction, after `lock_and_check`); add the gift line of a 满赠 promotion."""
    gift = gift_line(order, pricing, checkout_token=checkout_token)
    order_discounts: list[OrderDiscount] = []
    by_discount: dict[int, OrderDiscount] = {}
    for level in (pricing.order_promotion, pricing.voucher):
        if level is None:
            continue
        d = level.discount
        row = OrderDiscount(
            order=order,
            type=d.type,
            name=d.name,
            promotion_id=d.promotion_id,
            voucher_id=d.voucher_id,
            voucher_code=level.voucher_code,
            value_type=d.value_type,
            value=d.value,
            amount=level.amount,
            currency=order.currency,
            funded_by=d.funded_by,
            reason=_("运费优惠") if level.on_shipping else "",
        )
        if level.gift_variant_id is not None:
            # 满赠: the gift line is free; its list price is that line's own discount (like a
            # catalogue discount), so this order discount takes nothing off the total.
            row.reason = (
                _("赠品：%(name)s") % {"name": gift.product_name}
                if gift is not None
                else _("赠品已送完，未赠送")
            )
        order_discounts.append(row)
        by_discount[id(d)] = row
    OrderDiscount.objects.bulk_create(order_discounts)
    line_rows: list[OrderLineDiscount] = []
    by_key = {line.key: line for line in pricing.lines}
    for order_line in order_lines:
        priced = by_key.get(order_line.variant_id)
        if priced is not None:
            line_rows.extend(_line_discount_rows(priced, order_line, by_discount))
    if gift is not None and pricing.order_promotion is not None:
        d = pricing.order_promotion.discount
        line_rows.append(
            OrderLineDiscount(
                line=gift,
                order_discount=None,
                type=d.type,
                name=d.name,
                promotion_id=d.promotion_id,
                amount=gift.undiscounted_unit_price_gross_amount,
                currency=gift.currency,
                funded_by=d.funded_by,
            )
        )
    OrderLineDiscount.objects.bulk_create(line_rows)

    if locked.voucher is not None and locked.code is not None:
        # Queryset updates: no post_save, so a use does not empty the catalog caches.
        Voucher.objects.filter(pk=locked.voucher.pk).update(used=F("used") + 1)
        VoucherCode.objects.filter(pk=locked.code.pk).update(used=F("used") + 1)
        if locked.voucher.apply_once_per_customer and customer:
            VoucherCustomer.objects.bulk_create(
                [VoucherCustomer(voucher=locked.voucher, customer_key=customer)]
            )
    purchases = []
    sold_out = False
    for line in pricing.lines:
        if line.special_price is None:
            continue
        sp = locked.special_prices[line.special_price.id]
        SpecialPrice.objects.filter(pk=sp.pk).update(
            quantity_sold=F("quantity_sold") + line.quantity
        )
        sp.quantity_sold += line.quantity
        if sp.quantity_limit is not None and sp.quantity_sold >= sp.quantity_limit:
            sold_out = True
        purchases.append(
            SpecialPricePurchase(
                special_price=sp, customer_key=customer, order=order, quantity=line.quantity
            )
        )
    SpecialPricePurchase.objects.bulk_create(purchases)
    if sold_out:
        # The promotion snapshot shows the flash price only while quantity remains.
        transaction.on_commit(bump_catalog_version)


def release(order) -> None:
    """Give back the voucher use and flash-sale quantity of an unpaid order that is cancelled or
    expired (inside the caller's transaction, with the same lock order as completion)."""
    discounts = list(
        OrderDiscount.objects.filter(order=order, type=OrderDiscountType.VOUCHER).exclude(
            voucher=None
        )
    )
    purchases = list(SpecialPricePurchase.objects.filter(order=order))
    if not discounts and not purchases:
        return
    reopened = False
    voucher_ids = sorted({d.voucher_id for d in discounts if d.voucher_id})
    vouchers = {
        v.pk: v
        for v in Voucher.objects.select_for_update().filter(pk__in=voucher_ids).order_by("pk")
    }
    codes = sorted({d.voucher_code for d in discounts if d.voucher_code})
    list(VoucherCode.objects.select_for_update().filter(code__in=codes).order_by("pk"))
    for d in discounts:
        voucher = vouchers.get(d.voucher_id) if d.voucher_id else None
        if voucher is None:
            continue
        Voucher.objects.filter(pk=voucher.pk, used__gt=0).update(used=F("used") - 1)
        if d.voucher_code:
            VoucherCode.objects.filter(code=d.voucher_code, used__gt=0).update(used=F("used") - 1)
        if voucher.apply_once_per_customer:
            VoucherCustomer.objects.filter(
                voucher=voucher, customer_key=order_customer_key(order)
            ).delete()
        # Keep the order's record of what it had, but mark it as given back.
        OrderDiscount.objects.filter(pk=d.pk).update(reason=_("订单已关闭，优惠券已退回"))
    special_ids = sorted({p.special_price_id for p in purchases})
    rows = {
        r.pk: r
        for r in SpecialPrice.objects.select_for_update().filter(pk__in=special_ids).order_by("pk")
    }
    for purchase in purchases:
        row = rows.get(purchase.special_price_id)
        if row is None:
            continue
        if row.quantity_limit is not None and row.quantity_sold >= row.quantity_limit:
            reopened = True
        back = min(purchase.quantity, row.quantity_sold)
        SpecialPrice.objects.filter(pk=row.pk).update(quantity_sold=F("quantity_sold") - back)
        row.quantity_sold -= back
    SpecialPricePurchase.objects.filter(order=order).delete()
    if reopened:
        transaction.on_commit(bump_catalog_version)


def order_customer_key(order) -> str:
    from backend.discount.vouchers import customer_key

    return customer_key(
        user=order.user if order.user_id else None,
        phone=order.user_phone,
        email=order.user_email,
    )
