"""Turning a checkout into an order (Saleor: checkoutComplete).

All in one transaction: the checkout row is locked, every rule is checked again, the order and
its line snapshots are written, stock is allocated under row locks, the checkout's payments move
to the order and the checkout is deleted. If anything fails nothing is written.

Discounts (backend.discount): the voucher and flash-sale rows the cart uses are locked and their
limits checked again (backend.discount.redemption) before the order is written; the order keeps
its list and discounted totals, its lines the unit price after catalogue promotions, and
OrderDiscount / OrderLineDiscount rows record each discount, its allocation to the lines and
who funds it, so Σ line totals + shipping − order discounts == order total.

Completing is idempotent: the order keeps the checkout's token (unique), so a second call —
a retry after a lost response, or a concurrent double tap — returns the same order. A
concurrent second call waits for the first's lock on the checkout, finds the checkout gone and
the order there, and returns it.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from backend.account.models import Address
from backend.checkout.calculations import CheckoutInfo, load_checkout_info
from backend.checkout.error_codes import CheckoutErrorCode
from backend.checkout.lines import check_purchasable, check_quantity, insufficient_stock_error
from backend.checkout.models import Checkout
from backend.discount import redemption
from backend.discount.pricing import CheckoutPricing
from backend.discount.vouchers import checkout_customer_key
from backend.inventory.allocation import InsufficientStock, allocate
from backend.inventory.models import Reservation
from backend.order.events import add_event
from backend.order.models import Order, OrderEvents, OrderLine, OrderStatus
from backend.payment.models import Gateway
from backend.payment.services import attach_checkout_transactions, checkout_payment_coverage
from backend.tourism.booking import reserve_tourism_capacity


def _error(message: str, code: str, field: str | None = None) -> ValidationError:
    if field:
        return ValidationError({field: ValidationError(message, code=code)})
    return ValidationError(message, code=code)


def _validate(info: CheckoutInfo) -> None:
    checkout = info.checkout
    if not info.lines:
        raise _error(_("购物车是空的。"), CheckoutErrorCode.NO_LINES, "lines")
    if not checkout.channel.is_active:
        raise _error(_("这个销售渠道已停用。"), CheckoutErrorCode.CHANNEL_INACTIVE, "channel")
    for line_info in info.lines:
        check_quantity(line_info.line.quantity, line_info)
        check_purchasable(line_info)
    if info.is_shipping_required:
        if checkout.shipping_address is None:
            raise _error(
                _("请填写收货地址。"),
                CheckoutErrorCode.SHIPPING_ADDRESS_NOT_SET,
                "shipping_address",
            )
        if not checkout.delivery_method_id:
            raise _error(
                _("请选择配送方式。"), CheckoutErrorCode.SHIPPING_METHOD_NOT_SET, "delivery_method"
            )
        if info.delivery_method() is None:
            raise _error(
                _("所选配送方式已不适用，请重新选择。"),
                CheckoutErrorCode.INVALID_SHIPPING_METHOD,
                "delivery_method",
            )
    if not (checkout.phone or checkout.email):
        raise _error(
            _("请留下手机号，方便通知您订单进度。"), CheckoutErrorCode.PHONE_NOT_SET, "phone"
        )


def _copy(address: Address | None) -> Address | None:
    return address.copy() if address is not None else None


def _create_order(
    info: CheckoutInfo,
    *,
    user,
    customer_note: str,
    gateway: str,
    pricing: CheckoutPricing,
    locked: redemption.Locked,
    customer: str,
) -> Order:
    checkout = info.checkout
    subtotal = pricing.subtotal
    shipping = pricing.shipping
    total = pricing.total
    method = info.delivery_method()
    owner = checkout.user if checkout.user_id else None
    pay_by = None
    if gateway != Gateway.PAY_AT_STATION:
        pay_by = timezone.now() + timedelta(minutes=settings.ORDER_UNPAID_EXPIRY_MINUTES)
    order = Order.objects.create(
        channel=checkout.channel,
        user=owner,
        user_email=checkout.email or (owner.email if owner and owner.email else ""),
        user_phone=checkout.phone or (owner.phone if owner and owner.phone else ""),
        language_code=checkout.language_code,
        checkout_token=checkout.pk,
        status=OrderStatus.UNFULFILLED,
        shipping_address=_copy(checkout.shipping_address),
        billing_address=_copy(checkout.billing_address),
        delivery_method_id=method.id if method else "",
        shipping_method_name=method.name if method else "",
        currency=checkout.currency,
        shipping_price_net_amount=shipping.net.amount,
        shipping_price_gross_amount=shipping.gross.amount,
        subtotal_net_amount=subtotal.net.amount,
        subtotal_gross_amount=subtotal.gross.amount,
        total_net_amount=total.net.amount,
        total_gross_amount=total.gross.amount,
        undiscounted_total_gross_amount=pricing.undiscounted_total,
        voucher_code=pricing.voucher.voucher_code if pricing.voucher else "",
        weight_grams=info.weight_grams,
        customer_note=customer_note or checkout.customer_note,
        payment_gateway=gateway,
        pay_by=pay_by,
    )
    lines = []
    for index, line_info in enumerate(info.lines):
        variant = line_info.variant
        product = line_info.product
        priced = pricing.line(line_info.line.variant_id)
        assert priced is not None  # _validate refused lines without a price
        unit = priced.unit_price
        line_total = priced.total
        undiscounted = priced.undiscounted_unit_price
        lines.append(
            OrderLine(
                order=order,
                variant=variant,
                vendor=product.vendor,
                product_name=product.name,
                variant_name=variant.name,
                product_sku=variant.sku,
                vendor_name=product.vendor.name if product.vendor else "",
                is_shipping_required=line_info.is_shipping_required,
                quantity=line_info.line.quantity,
                currency=checkout.currency,
                unit_price_net_amount=unit.net.amount,
                unit_price_gross_amount=unit.gross.amount,
                total_price_net_amount=line_total.net.amount,
                total_price_gross_amount=line_total.gross.amount,
                undiscounted_unit_price_gross_amount=undiscounted.gross.amount,
                tax_rate=line_info.tax_rate,
                weight_grams=line_info.weight_grams,
                sort_order=index,
                visit_date=line_info.line.visit_date,
                visit_slot=line_info.line.visit_slot,
                visitor_names=line_info.line.visitor_names,
            )
        )
    created = OrderLine.objects.bulk_create(lines)
    for order_line, line_info in zip(created, info.lines, strict=True):
        order_line.variant = line_info.variant
    # Tourism vouchers: booking rules checked again and dated capacity taken under row locks.
    reserve_tourism_capacity(created, at=info.at, gateway=gateway)
    redemption.record(
        order=order, order_lines=created, pricing=pricing, locked=locked, customer=customer
    )
    try:
        allocate(created, checkout.channel_id, checkout_token=checkout.pk)
    except InsufficientStock as shortage:
        variant_id, _requested, available = shortage.items[0]
        line_info = next(li for li in info.lines if li.line.variant_id == variant_id)
        raise insufficient_stock_error(line_info, available) from shortage
    add_event(order, OrderEvents.PLACED, user=user)
    return order


def complete_checkout(token, *, user, customer_note: str = "") -> tuple[Order, bool]:
    """Returns (order, created). Raises ValidationError with a CheckoutErrorCode."""
    with transaction.atomic():
        checkout = (
            Checkout.objects.select_for_update(of=("self",))
            .select_related("channel", "shipping_address", "billing_address", "user")
            .filter(pk=token)
            .first()
        )
        if checkout is None:
            order = Order.objects.filter(checkout_token=token).first()
            if order is not None:
                return order, False
            raise _error(_("购物车不存在。"), CheckoutErrorCode.NOT_FOUND, "id")
        info = load_checkout_info(checkout)
        _validate(info)
        pricing = info.pricing()
        customer = checkout_customer_key(checkout)
        if checkout.voucher_code and pricing.voucher is None:
            # The code was valid when entered; price it as entered so the check below names
            # why it no longer applies.
            info = load_checkout_info(checkout, at=info.at, voucher=_entered_offer(checkout))
            pricing = info.pricing()
        locked = redemption.lock_and_check(
            checkout=checkout, pricing=pricing, customer=customer, at=info.at
        )
        total = pricing.total.gross.amount
        coverage = checkout_payment_coverage(checkout)
        paid = coverage.charged + coverage.authorized
        # Less than the total is refused; more (two payments that both went through) places
        # the order as overcharged, so staff refund the difference rather than the shopper
        # being stuck with a paid cart that can never be completed.
        if not coverage.pay_at_station and paid < total:
            raise _error(
                _("订单金额 ¥%(total)s，已支付 ¥%(paid)s，请完成支付后再提交。")
                % {"total": total, "paid": paid},
                CheckoutErrorCode.CHECKOUT_NOT_FULLY_PAID,
            )
        gateway = Gateway.PAY_AT_STATION if coverage.pay_at_station else coverage.gateway
        order = _create_order(
            info,
            user=user,
            customer_note=customer_note,
            gateway=gateway,
            pricing=pricing,
            locked=locked,
            customer=customer,
        )
        attach_checkout_transactions(checkout, order, user=user)
        Reservation.objects.filter(checkout_line__checkout=checkout).delete()
        checkout.delete()
        _notify_placed(order)
        if gateway == Gateway.PAY_AT_STATION:
            # Paid on collection: the parcels are planned now (issue #4).
            from backend.routing.services import queue_plan

            queue_plan(order)
    return order, True


def _entered_offer(checkout: Checkout):
    from backend.discount.vouchers import find_code, offer_for

    found = find_code(checkout.voucher_code)
    return offer_for(found.voucher, found.code) if found is not None else None


def _notify_placed(order: Order) -> None:
    from backend.order.notifications import queue_notification

    queue_notification(order, "placed")
