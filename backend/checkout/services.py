"""Changing a cart. Each function runs inside the caller's transaction (the API's mutation
transaction) and raises ValidationError with a CheckoutErrorCode; nothing is written then.

After the lines change the checkout's stock reservations are renewed when reservations are
enabled (`CHECKOUT_RESERVATION_MINUTES` > 0): a shopper who has filled the cart can pay without
the last units selling under them, and an abandoned cart gives its units back when the
reservation expires (a Celery beat task deletes expired rows; they are ignored even before).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from backend.account.addresses import validate_address
from backend.account.models import Address
from backend.account.phone import normalize_phone
from backend.catalog.models import ProductVariant
from backend.channel.models import Channel
from backend.checkout.calculations import CheckoutInfo, LineInfo, load_checkout_info
from backend.checkout.delivery import find_method
from backend.checkout.error_codes import CheckoutErrorCode
from backend.checkout.lines import (
    check_purchasable,
    check_quantity,
    insufficient_stock_error,
)
from backend.checkout.models import Checkout, CheckoutLine
from backend.discount.redemption import check_per_customer_cap
from backend.discount.vouchers import checkout_customer_key
from backend.inventory.allocation import InsufficientStock, available_quantities, reserve_checkout


@dataclass(frozen=True)
class LineChange:
    variant: ProductVariant
    quantity: int
    replace: bool = False  # True: set the quantity; False: add to what the cart has


def get_active_channel(slug: str) -> Channel:
    channel = Channel.objects.filter(slug=slug).first()
    if channel is None:
        raise ValidationError(
            {"channel": ValidationError(_("没有这个销售渠道。"), code=CheckoutErrorCode.NOT_FOUND)}
        )
    if not channel.is_active:
        raise ValidationError(
            {
                "channel": ValidationError(
                    _("这个销售渠道已停用。"), code=CheckoutErrorCode.CHANNEL_INACTIVE
                )
            }
        )
    return channel


def clean_email(email: str | None) -> str:
    email = (email or "").strip()
    if not email:
        return ""
    try:
        validate_email(email)
    except ValidationError as error:
        raise ValidationError(
            {"email": ValidationError(_("请输入有效的电子邮箱。"), code=CheckoutErrorCode.INVALID)}
        ) from error
    return email.lower()


def create_checkout(
    *, channel: Channel, user, email: str = "", lines: Iterable[LineChange] = ()
) -> Checkout:
    checkout = Checkout.objects.create(
        channel=channel,
        currency=channel.currency_code,
        user=user if getattr(user, "is_authenticated", False) else None,
        email=clean_email(email) or (getattr(user, "email", None) or ""),
        phone=getattr(user, "phone", None) or "",
        language_code=getattr(user, "language_code", None) or "zh-hans",
    )
    lines = list(lines)
    if lines:
        change_lines(checkout, lines)
    return checkout


def change_lines(checkout: Checkout, changes: list[LineChange]) -> CheckoutInfo:
    """Add to or set line quantities (a quantity of 0 with `replace` deletes the line), check
    every line rule and the stock, and renew reservations."""
    existing = {line.variant_id: line for line in checkout.lines.all()}
    touched: list[CheckoutLine] = []
    for change in changes:
        line = existing.get(change.variant.pk)
        if line is None:
            if change.replace and change.quantity == 0:
                continue
            line = CheckoutLine(checkout=checkout, variant=change.variant, quantity=0)
            existing[change.variant.pk] = line
        line.quantity = change.quantity if change.replace else line.quantity + change.quantity
        touched.append(line)
    for line in touched:
        if line.quantity == 0 and line.pk and not line._state.adding:
            line.delete()
    info = load_checkout_info(checkout)
    pending = {id(line): line for line in touched if line.quantity != 0}
    for line in pending.values():
        # Validate new lines with the same loaded listings as saved ones.
        line_info = _line_info(info, line)
        check_quantity(line.quantity, line_info)
        check_purchasable(line_info)
        _check_flash_sale_cap(checkout, line_info)
    _check_stock(checkout, [_line_info(info, line) for line in pending.values()])
    for line in pending.values():
        line.save()
    info = load_checkout_info(checkout)
    _renew_reservations(info)
    checkout.save(update_fields=["last_change"])
    return info


def _check_flash_sale_cap(checkout: Checkout, line_info: LineInfo) -> None:
    """A flash sale's per-customer cap (限购) holds for the cart as well as at completion, so
    the shopper learns it when choosing the quantity (FLASH_SALE_LIMIT_EXCEEDED on quantity)."""
    pricing = line_info.variant_pricing()
    special = pricing.special_price if pricing is not None else None
    if special is None or special.per_customer_limit is None:
        return
    check_per_customer_cap(
        special_price_id=special.id,
        per_customer_limit=special.per_customer_limit,
        customer=checkout_customer_key(checkout),
        quantity=line_info.line.quantity,
    )


def _line_info(info: CheckoutInfo, line: CheckoutLine) -> LineInfo:
    for line_info in info.lines:
        if line_info.line.variant_id == line.variant_id:
            line_info.line.quantity = line.quantity
            return line_info
    # A line not saved yet: load its variant and the channel's listings for it.
    variant = ProductVariant.objects.select_related("product__product_type", "product__vendor").get(
        pk=line.variant_id
    )
    line.variant = variant
    channel_id = info.checkout.channel_id
    return LineInfo(
        line=line,
        variant_listing=variant.channel_listings.filter(channel_id=channel_id).first(),
        product_listing=variant.product.channel_listings.filter(channel_id=channel_id).first(),
        rules=info.rules,
        at=info.at,
    )


def _check_stock(checkout: Checkout, infos: list[LineInfo]) -> None:
    tracked = [i for i in infos if i.variant.track_inventory]
    if not tracked:
        return
    available = available_quantities(
        checkout.channel_id, [i.line.variant_id for i in tracked], exclude_checkout=checkout.pk
    )
    for line_info in tracked:
        left = available.get(line_info.line.variant_id, 0)
        if line_info.line.quantity > left:
            raise insufficient_stock_error(line_info, left)


def _renew_reservations(info: CheckoutInfo) -> None:
    minutes = settings.CHECKOUT_RESERVATION_MINUTES
    if minutes <= 0:
        return
    try:
        reserve_checkout([li.line for li in info.lines], info.checkout.channel_id, minutes)
    except InsufficientStock as shortage:
        variant_id, _requested, available = shortage.items[0]
        line_info = next(li for li in info.lines if li.line.variant_id == variant_id)
        raise insufficient_stock_error(line_info, available) from shortage


def delete_lines(checkout: Checkout, line_ids: list) -> None:
    lines = list(checkout.lines.filter(pk__in=line_ids))
    found = {str(line.pk) for line in lines}
    missing = [str(pk) for pk in line_ids if str(pk) not in found]
    if missing:
        raise ValidationError(
            {
                "line_id": ValidationError(
                    _("购物车中没有这一行。"), code=CheckoutErrorCode.NOT_FOUND
                )
            }
        )
    for line in lines:
        line.delete()
    _renew_reservations(load_checkout_info(checkout))
    checkout.save(update_fields=["last_change"])


def update_email(checkout: Checkout, email: str) -> Checkout:
    cleaned = clean_email(email)
    if not cleaned:
        raise ValidationError(
            {"email": ValidationError(_("请填写电子邮箱。"), code=CheckoutErrorCode.REQUIRED)}
        )
    checkout.email = cleaned
    checkout.save(update_fields=["email", "last_change"])
    return checkout


def update_phone(checkout: Checkout, phone: str) -> Checkout:
    normalized = normalize_phone(phone)
    if normalized is None:
        raise ValidationError(
            {"phone": ValidationError(_("请输入有效的手机号码。"), code=CheckoutErrorCode.INVALID)}
        )
    checkout.phone = normalized
    checkout.save(update_fields=["phone", "last_change"])
    return checkout


def _save_address(current: Address | None, data: dict) -> Address:
    """Validate with the address book's rules (towns and villages of the county) and store the
    checkout's own copy; errors name the address field (`town`, `village`, `phone`…)."""
    cleaned = validate_address(data)
    address = current or Address()
    for key, value in cleaned.items():
        setattr(address, key, value)
    address.save()
    return address


def update_shipping_address(checkout: Checkout, data: dict) -> Checkout:
    info = load_checkout_info(checkout)
    if info.lines and not info.is_shipping_required:
        raise ValidationError(
            {
                "shipping_address": ValidationError(
                    _("购物车中的商品无需配送。"), code=CheckoutErrorCode.SHIPPING_NOT_REQUIRED
                )
            }
        )
    checkout.shipping_address = _save_address(checkout.shipping_address, data)
    if not checkout.phone and checkout.shipping_address.phone:
        checkout.phone = checkout.shipping_address.phone
    # A delivery method offered for the old address may not be offered for the new one.
    info = load_checkout_info(checkout)
    if checkout.delivery_method_id and info.delivery_method() is None:
        checkout.delivery_method_id = ""
    checkout.save(update_fields=["shipping_address", "phone", "delivery_method_id", "last_change"])
    return checkout


def update_billing_address(checkout: Checkout, data: dict) -> Checkout:
    checkout.billing_address = _save_address(checkout.billing_address, data)
    checkout.save(update_fields=["billing_address", "last_change"])
    return checkout


def update_delivery_method(checkout: Checkout, method_id: str | None) -> Checkout:
    info = load_checkout_info(checkout)
    if not info.is_shipping_required:
        raise ValidationError(
            {
                "delivery_method_id": ValidationError(
                    _("购物车中的商品无需配送。"), code=CheckoutErrorCode.SHIPPING_NOT_REQUIRED
                )
            }
        )
    if checkout.shipping_address is None:
        raise ValidationError(
            {
                "delivery_method_id": ValidationError(
                    _("请先填写收货地址。"), code=CheckoutErrorCode.SHIPPING_ADDRESS_NOT_SET
                )
            }
        )
    if not method_id:
        checkout.delivery_method_id = ""
    elif find_method(info.delivery_context(), method_id) is None:
        raise ValidationError(
            {
                "delivery_method_id": ValidationError(
                    _("这个配送方式不适用于当前地址或商品。"),
                    code=CheckoutErrorCode.DELIVERY_METHOD_NOT_APPLICABLE,
                )
            }
        )
    else:
        checkout.delivery_method_id = method_id
    checkout.save(update_fields=["delivery_method_id", "last_change"])
    return checkout


def attach_customer(checkout: Checkout, user) -> Checkout:
    """Make the signed-in shopper the checkout's owner and merge their other open carts of the
    same channel into it (the cart filled while signed out wins on conflicts of quantity)."""
    if checkout.user_id and checkout.user_id != user.pk:
        raise ValidationError(
            _("这个购物车属于其他用户。"), code=CheckoutErrorCode.PERMISSION_DENIED
        )
    checkout.user = user
    checkout.email = checkout.email or (user.email or "")
    checkout.phone = checkout.phone or (user.phone or "")
    checkout.save(update_fields=["user", "email", "phone", "last_change"])
    merge_user_checkouts(checkout, user)
    return checkout


def merge_user_checkouts(target: Checkout, user) -> None:
    others = list(
        Checkout.objects.select_for_update()
        .filter(user=user, channel_id=target.channel_id)
        .exclude(pk=target.pk)
        .order_by("created_at")
    )
    if not others:
        return
    have = {line.variant_id for line in target.lines.all()}
    limit = settings.MAX_CHECKOUT_LINE_QUANTITY
    for other in others:
        for line in other.lines.all():
            if line.variant_id not in have:
                CheckoutLine.objects.create(
                    checkout=target, variant_id=line.variant_id, quantity=min(line.quantity, limit)
                )
                have.add(line.variant_id)
        if other.payment_transactions.exists():
            # A cart with payments stays as it is: money is never moved silently.
            continue
        other.delete()
    _renew_reservations_quietly(target)


def _renew_reservations_quietly(checkout: Checkout) -> None:
    """After a merge, reserve what can be reserved; shortages show up as `problems`."""
    with contextlib.suppress(ValidationError):
        _renew_reservations(load_checkout_info(checkout))


def detach_customer(checkout: Checkout) -> Checkout:
    checkout.user = None
    checkout.save(update_fields=["user", "last_change"])
    return checkout
