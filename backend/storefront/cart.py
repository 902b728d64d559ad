"""The shopper's cart on the web pages: a checkout whose token the session keeps.

Lines change only through the checkout services (`backend.checkout.services`), in one
transaction with the checkout row locked, so the web cart obeys exactly the rules of the API's
checkoutLinesAdd/checkoutLinesUpdate (quantity limits, publication, prices, stock).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from backend.catalog.selectors import visible_variants
from backend.channel.models import Channel
from backend.checkout.error_codes import CheckoutErrorCode
from backend.checkout.models import Checkout
from backend.checkout.services import LineChange, change_lines, create_checkout

SESSION_KEY = "storefront_checkout_token"


def session_checkout(request, *, lock: bool = False) -> Checkout | None:
    """The checkout of this browser session, if it still exists and belongs to the shopper."""
    token = request.session.get(SESSION_KEY)
    if not token:
        return None
    checkouts = Checkout.objects.select_related("channel")
    if lock:
        checkouts = checkouts.select_for_update(of=("self",))
    try:
        checkout = checkouts.filter(pk=token).first()
    except ValidationError:  # a malformed token in an old session
        checkout = None
    user = getattr(request, "user", None)
    owner = checkout.user_id if checkout is not None else None
    if owner is not None and (user is None or not user.is_authenticated or user.pk != owner):
        checkout = None
    if checkout is None:
        request.session.pop(SESSION_KEY, None)
    return checkout


def parse_quantity(raw: str | None, *, allow_zero: bool) -> int:
    try:
        quantity = int(raw or "")
    except ValueError:
        quantity = -1
    if quantity < 0 or (quantity == 0 and not allow_zero):
        raise ValidationError(
            {
                "quantity": ValidationError(
                    _("数量必须是大于 0 的整数。"), code=CheckoutErrorCode.ZERO_QUANTITY
                )
            }
        )
    return quantity


def add_to_cart(request, *, channel: Channel, variant_id: str | None, quantity: int) -> Checkout:
    """Add `quantity` of a visible variant; the first line creates the checkout. Raises
    ValidationError with a message for the shopper; nothing is written then."""
    with transaction.atomic():
        variant = None
        if variant_id and variant_id.isdigit():
            variant = visible_variants(channel=channel).filter(pk=int(variant_id)).first()
        if variant is None:
            raise ValidationError(
                {"variant": ValidationError(_("请选择规格。"), code=CheckoutErrorCode.NOT_FOUND)}
            )
        change = LineChange(variant=variant, quantity=quantity)
        checkout = session_checkout(request, lock=True)
        if checkout is None or checkout.channel_id != channel.pk:
            checkout = create_checkout(channel=channel, user=request.user, lines=[change])
        else:
            change_lines(checkout, [change])
    request.session[SESSION_KEY] = str(checkout.token)
    return checkout


def set_line_quantity(request, *, line_id: str | None, quantity: int) -> None:
    """Set the quantity of a cart line; 0 removes it."""
    with transaction.atomic():
        checkout = session_checkout(request, lock=True)
        line = None
        if checkout is not None and line_id:
            try:
                line = checkout.lines.select_related("variant").filter(pk=line_id).first()
            except ValidationError:
                line = None
        if checkout is None or line is None:
            raise ValidationError(
                {
                    "line_id": ValidationError(
                        _("购物车中没有这一行。"), code=CheckoutErrorCode.NOT_FOUND
                    )
                }
            )
        change_lines(checkout, [LineChange(variant=line.variant, quantity=quantity, replace=True)])
