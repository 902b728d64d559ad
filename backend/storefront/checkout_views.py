"""Checkout on the web pages: contact → address → delivery → payment → review → order.

Each step is a plain form that works without script. The steps only call the checkout and
payment services (`backend.checkout.services`, `backend.payment.services`,
`backend.checkout.complete`), the same functions behind the API's checkout mutations, so the
web checkout obeys exactly the API's rules; a service's error is shown next to the field it
names. The chosen gateway waits in the session until the shopper places the order: only then
is the payment started and the checkout completed, so going back a step never leaves a
half-paid cart.

Stripe's cards and WeChat Pay need Stripe.js in the page, which the Content-Security-Policy
(`script-src 'self'`, no third-party script) and the no-JavaScript budget leave out; they stay
with API clients. Alipay needs no script: when Stripe is configured with it, placing the order
confirms a PaymentIntent on the server, the shopper approves on Alipay's page and comes back
to `checkout_pay_return`, which asks Stripe for the outcome and only then completes the
checkout.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from backend.checkout.calculations import CheckoutInfo, load_checkout_info
from backend.checkout.complete import complete_checkout
from backend.checkout.delivery import DeliveryKind, DeliveryMethod
from backend.checkout.lines import checkout_problems
from backend.checkout.models import Checkout
from backend.checkout.services import update_delivery_method, update_phone, update_shipping_address
from backend.order.models import Order
from backend.payment.gateways import available_gateways
from backend.payment.models import Gateway, TransactionItem
from backend.payment.services import (
    checkout_payment_coverage,
    initialize_transaction,
    process_transaction,
)
from backend.stations.models import Station
from backend.stations.opening_hours import DAYS
from backend.storefront import native_pay
from backend.storefront.cart import SESSION_KEY, session_checkout
from backend.storefront.discounts import cart_discounts, discount_context
from backend.storefront.forms import (
    AddressForm,
    ContactForm,
    DeliveryForm,
    PaymentForm,
    PlaceOrderForm,
    add_service_errors,
    address_initial,
)
from backend.storefront.security import with_csp
from backend.storefront.views import _base_context

GATEWAY_SESSION_KEY = "storefront_checkout_gateway"
# Gateways the server-rendered pages can take to the end without third-party script. Stripe
# joins them for Alipay, which is confirmed on the server and finished on Alipay's own page
# (`checkout_pay_return`); cards and WeChat Pay need Stripe.js and stay with the apps.
WEB_GATEWAYS = (
    Gateway.DUMMY.value,
    Gateway.PAY_AT_STATION.value,
    # Native Alipay and WeChat Pay need no script (backend/storefront/native_pay.py).
    Gateway.ALIPAY.value,
    Gateway.WECHATPAY.value,
)
WEB_STRIPE_METHOD = "alipay"
# Kept in the session while the shopper is away approving the payment.
NOTE_SESSION_KEY = "storefront_checkout_note"
APPROVE_SESSION_KEY = "storefront_checkout_approve_url"

STEPS = (
    ("contact", gettext_lazy("联系方式")),
    ("address", gettext_lazy("收货地址")),
    ("delivery", gettext_lazy("配送方式")),
    ("payment", gettext_lazy("支付方式")),
    ("review", gettext_lazy("确认下单")),
)
STEP_NAMES = [name for name, _label in STEPS]


def national_phone(phone: str) -> str:
    """13812345678 for +8613812345678: how shoppers type and read their number."""
    return phone[3:] if phone.startswith("+86") else phone


def _stripe_method_types() -> list[str]:
    return list(settings.STRIPE_PAYMENT_METHOD_TYPES)


def _gateway_choices(info: CheckoutInfo) -> list[dict]:
    """The channel's gateways; paying at the station is for parcels collected at a station
    (the operator takes the money at the hand-over), so other deliveries cannot choose it."""
    method = info.delivery_method()
    collected = method is not None and method.kind == DeliveryKind.COLLECTION_POINT
    choices = []
    for gateway in available_gateways(info.checkout.channel):
        note = ""
        name = gateway.name
        if gateway.id == Gateway.STRIPE and WEB_STRIPE_METHOD in _stripe_method_types():
            name = _("支付宝")
        elif gateway.id not in WEB_GATEWAYS:
            note = _("网页版暂不支持在线支付，请使用 App 或选择其他支付方式。")
        elif gateway.id == Gateway.PAY_AT_STATION and not collected:
            note = _("仅限到站自提的订单。")
        choices.append({"id": gateway.id, "name": name, "usable": not note, "note": note})
    return choices


def _chosen_gateway(request, info: CheckoutInfo) -> str | None:
    chosen = request.session.get(GATEWAY_SESSION_KEY)
    usable = {c["id"] for c in _gateway_choices(info) if c["usable"]}
    return chosen if chosen in usable else None


def _first_open_step(request, info: CheckoutInfo) -> str:
    checkout = info.checkout
    if not checkout.phone:
        return "contact"
    if info.is_shipping_required:
        if checkout.shipping_address is None:
            return "address"
        if info.delivery_method() is None:
            return "delivery"
    if _chosen_gateway(request, info) is None:
        return "payment"
    return "review"


def _steps(current: str, open_step: str, info: CheckoutInfo) -> list[dict]:
    reachable = STEP_NAMES[: STEP_NAMES.index(open_step) + 1]
    return [
        {
            "name": name,
            "label": label,
            "url": reverse(f"storefront:checkout-{name}"),
            "current": name == current,
            "reachable": name in reachable,
            "skipped": name in ("address", "delivery") and not info.is_shipping_required,
        }
        for name, label in STEPS
    ]


@dataclass
class StepState:
    checkout: Checkout
    info: CheckoutInfo
    open_step: str


def _load(request, step: str) -> StepState | HttpResponse:
    """The session's checkout, or a redirect: to the cart when there is nothing to check out,
    to the first unfinished step when the shopper skips ahead."""
    checkout = session_checkout(request)
    if checkout is None or not checkout.lines.exists():
        messages.info(request, _("购物车是空的，先挑选商品吧。"))
        return redirect("storefront:cart")
    info = load_checkout_info(checkout)
    open_step = _first_open_step(request, info)
    if STEP_NAMES.index(step) > STEP_NAMES.index(open_step):
        return redirect(f"storefront:checkout-{open_step}")
    if step in ("address", "delivery") and not info.is_shipping_required:
        return redirect(f"storefront:checkout-{open_step}")
    return StepState(checkout=checkout, info=info, open_step=open_step)


def _render(request, step: str, state: StepState, **context) -> HttpResponse:
    page = _base_context(request, canonical=reverse("storefront:checkout"))
    label = dict(STEPS)[step]
    page.update(
        title=_("结算 · %(step)s") % {"step": label},
        description="",
        robots="noindex",
        step=step,
        step_label=label,
        steps=_steps(step, state.open_step, state.info),
        info=state.info,
        checkout=state.checkout,
        subtotal=state.info.subtotal(),
        shipping=state.info.shipping_price(),
        total=state.info.total(),
        # The review passes its own (with the voucher box); other steps show the rows only.
        **{**discount_context(state.info), **context},
    )
    return render(request, f"storefront/checkout/{step}.html", page)


def _update(request, change) -> ValidationError | None:
    """Apply one service change to the session's checkout, locked, in one transaction."""
    try:
        with transaction.atomic():
            checkout = session_checkout(request, lock=True)
            if checkout is None:
                raise ValidationError(_("购物车已失效，请重新加入商品。"))
            change(checkout)
    except ValidationError as error:
        return error
    return None


@require_http_methods(["GET"])
@with_csp
def checkout_start(request):
    state = _load(request, "contact")
    if isinstance(state, HttpResponse):
        return state
    return redirect(f"storefront:checkout-{state.open_step}")


@require_http_methods(["GET", "POST"])
@with_csp
def checkout_contact(request):
    state = _load(request, "contact")
    if isinstance(state, HttpResponse):
        return state
    user = request.user
    phone = state.checkout.phone or (user.phone if user.is_authenticated else "") or ""
    form = ContactForm(request.POST or None, initial={"phone": national_phone(phone)})
    if request.method == "POST" and form.is_valid():
        number = form.cleaned_data["phone"]
        error = _update(request, lambda checkout: update_phone(checkout, number))
        if error is None:
            return redirect("storefront:checkout")
        add_service_errors(form, error)
    return _render(request, "contact", state, form=form)


@require_http_methods(["GET", "POST"])
@with_csp
def checkout_address(request):
    state = _load(request, "address")
    if isinstance(state, HttpResponse):
        return state
    user = request.user
    stored = state.checkout.shipping_address
    if stored is None and user.is_authenticated:
        stored = user.default_shipping_address
    initial = address_initial(stored)
    if stored is None:
        initial["phone"] = national_phone(state.checkout.phone)
    form = AddressForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.address_data()
        error = _update(request, lambda checkout: update_shipping_address(checkout, data))
        if error is None:
            return redirect("storefront:checkout")
        form.add_address_errors(error)
    return _render(request, "address", state, form=form)


def _hours_today(station: Station) -> str:
    """Today's opening hours in the county's zone, e.g. "08:00–18:00"."""
    day = DAYS[timezone.localdate().weekday()]
    intervals = (station.opening_hours or {}).get(day) or []
    if not intervals:
        return _("今天休息")
    return "、".join(f"{start}–{end}" for start, end in intervals)


@dataclass
class MethodRow:
    method: DeliveryMethod
    is_pickup: bool
    station: Station | None
    hours_today: str
    distance_km: float | None
    ready_date: str


def _method_rows(info: CheckoutInfo) -> list[MethodRow]:
    methods = info.delivery_methods()
    codes = [m.metadata.get("station_code") for m in methods if m.metadata.get("station_code")]
    stations = {s.code: s for s in Station.objects.filter(code__in=codes)}
    rows = []
    for method in methods:
        station = stations.get(method.metadata.get("station_code", ""))
        rows.append(
            MethodRow(
                method=method,
                is_pickup=method.kind == DeliveryKind.COLLECTION_POINT,
                station=station,
                hours_today=_hours_today(station) if station is not None else "",
                distance_km=method.metadata.get("distance_km"),
                ready_date=method.metadata.get("ready_date", ""),
            )
        )
    return rows


@require_http_methods(["GET", "POST"])
@with_csp
def checkout_delivery(request):
    state = _load(request, "delivery")
    if isinstance(state, HttpResponse):
        return state
    form = DeliveryForm(
        request.POST or None, initial={"delivery_method": state.checkout.delivery_method_id}
    )
    if request.method == "POST" and form.is_valid():
        method_id = form.cleaned_data["delivery_method"]
        error = _update(request, lambda checkout: update_delivery_method(checkout, method_id))
        if error is None:
            return redirect("storefront:checkout")
        add_service_errors(form, ValidationError({"delivery_method": error.messages}))
    rows = _method_rows(state.info)
    chosen = form["delivery_method"].value() or ""
    return _render(
        request,
        "delivery",
        state,
        form=form,
        pickup_rows=[r for r in rows if r.is_pickup],
        other_rows=[r for r in rows if not r.is_pickup],
        chosen=chosen,
    )


@require_http_methods(["GET", "POST"])
@with_csp
def checkout_payment(request):
    state = _load(request, "payment")
    if isinstance(state, HttpResponse):
        return state
    choices = _gateway_choices(state.info)
    form = PaymentForm(
        request.POST or None, initial={"gateway": _chosen_gateway(request, state.info)}
    )
    if request.method == "POST" and form.is_valid():
        gateway = form.cleaned_data["gateway"]
        if gateway in {c["id"] for c in choices if c["usable"]}:
            request.session[GATEWAY_SESSION_KEY] = gateway
            return redirect("storefront:checkout")
        form.add_error("gateway", _("这个支付方式暂不可用，请选择其他方式。"))
    return _render(
        request,
        "payment",
        state,
        form=form,
        gateways=choices,
        chosen=form["gateway"].value() or "",
    )


def _review_context(state: StepState) -> dict:
    problems = {str(getattr(p.line, "pk", "")): p for p in checkout_problems(state.info)}
    return {
        "lines": [
            {"info": line, "problem": problems.get(str(line.line.pk))} for line in state.info.lines
        ],
        "has_problems": bool(problems),
        "delivery_method": state.info.delivery_method(),
        "address": state.checkout.shipping_address,
        "address_phone": national_phone(getattr(state.checkout.shipping_address, "phone", "")),
        "phone": national_phone(state.checkout.phone),
    }


@require_http_methods(["GET"])
@with_csp
def checkout_review(request):
    state = _load(request, "review")
    if isinstance(state, HttpResponse):
        return state
    return _render_review(request, state, PlaceOrderForm())


def _render_review(request, state: StepState, form: PlaceOrderForm) -> HttpResponse:
    gateway = _chosen_gateway(request, state.info)
    names = {c["id"]: c["name"] for c in _gateway_choices(state.info)}
    return _render(
        request,
        "review",
        state,
        form=form,
        gateway_name=names.get(gateway or "", ""),
        **_review_context(state),
        **cart_discounts(request, state.info),
    )


# Which step a completion error sends the shopper back to, by the field it names.
_STEP_OF_FIELD = {
    "lines": None,
    "phone": "contact",
    "shipping_address": "address",
    "delivery_method": "delivery",
    "paymentGateway": "payment",
    "amount": "payment",
}


def _back_to_step(request, error: ValidationError):
    step = "review"
    if hasattr(error, "error_dict"):
        for field in error.error_dict:
            if field in _STEP_OF_FIELD:
                step = _STEP_OF_FIELD[field] or "cart"
                break
    for message in error.messages:
        messages.error(request, message)
    if step == "cart":
        return redirect("storefront:cart")
    return redirect(f"storefront:checkout-{step}")


def _pay(request, checkout: Checkout, gateway: str) -> str:
    """Start the chosen payment unless the checkout is already covered by it. Returns the
    provider's page the shopper must approve the payment on, or "" when it is settled."""
    coverage = checkout_payment_coverage(checkout)
    total = load_checkout_info(checkout).total().gross.amount
    if gateway == Gateway.PAY_AT_STATION and coverage.pay_at_station:
        return ""
    if gateway != Gateway.PAY_AT_STATION and coverage.charged + coverage.authorized >= total:
        return ""
    if gateway in native_pay.NATIVE_GATEWAYS:
        return native_pay.start_native_payment(request, checkout, gateway)
    data: dict = {}
    if gateway == Gateway.STRIPE:
        data = {
            "paymentMethodType": WEB_STRIPE_METHOD,
            "returnUrl": request.build_absolute_uri(reverse("storefront:checkout-pay-return")),
        }
    step = initialize_transaction(
        checkout=checkout,
        gateway_id=gateway,
        amount=None,
        data=data,
        user=request.user,
    )
    return (step.data or {}).get("redirect_url", "")


def _complete(request, checkout: Checkout, *, token, user, note: str) -> HttpResponse:
    try:
        order, _created = complete_checkout(checkout.token, user=user, customer_note=note)
    except ValidationError as error:
        return _back_to_step(request, error)
    except Checkout.DoesNotExist:
        # A concurrent post completed this checkout between our read and the payment's lock.
        placed = _placed_order(token, user)
        if placed is None:
            return redirect("storefront:cart")
        order = placed
    for key in (SESSION_KEY, GATEWAY_SESSION_KEY, NOTE_SESSION_KEY, APPROVE_SESSION_KEY):
        request.session.pop(key, None)
    messages.success(request, _("下单成功！订单号 %(number)s。") % {"number": order.number})
    return redirect("storefront:order", order_id=order.pk)


@require_POST
@with_csp
def checkout_place(request):
    """Pay with the chosen gateway and complete the checkout into an order. A second post
    (a double tap, a retry after a lost response) finds the order the first one placed."""
    token = request.session.get(SESSION_KEY)
    user = request.user if request.user.is_authenticated else None
    checkout = session_checkout(request)
    if checkout is None:
        order = _placed_order(token, user)
        if order is not None:
            return redirect("storefront:order", order_id=order.pk)
        return redirect("storefront:cart")
    form = PlaceOrderForm(request.POST)
    if not form.is_valid():
        state = _load(request, "review")
        if isinstance(state, HttpResponse):
            return state
        return _render_review(request, state, form)
    note = form.cleaned_data["customer_note"]
    gateway = _chosen_gateway(request, load_checkout_info(checkout))
    if gateway is None:
        messages.error(request, _("请选择支付方式。"))
        return redirect("storefront:checkout-payment")
    try:
        approve_at = _pay(request, checkout, gateway)
    except ValidationError as error:
        return _back_to_step(request, error)
    if approve_at.startswith("/"):
        # Alipay / WeChat Pay: the waiting page takes the shopper on and places the order.
        request.session[NOTE_SESSION_KEY] = note
        return redirect(approve_at)
    if approve_at:
        # Off to Alipay; the order is placed when the shopper comes back paid.
        request.session[NOTE_SESSION_KEY] = note
        request.session[APPROVE_SESSION_KEY] = approve_at
        return redirect("storefront:checkout-pay-approve", permanent=False)
    return _complete(request, checkout, token=token, user=user, note=note)


@require_GET
@with_csp
def checkout_pay_approve(request):
    """A page that sends the shopper on to the provider (a meta refresh and a link): the
    Content-Security-Policy's `form-action 'self'` would stop the order form's response from
    redirecting off the site, while a navigation from this page is not a form submission."""
    url = request.session.get(APPROVE_SESSION_KEY, "")
    if not url or session_checkout(request) is None:
        return redirect("storefront:checkout-payment")
    context = _base_context(request)
    context.update(title=_("前往支付宝付款"), robots="noindex", approve_url=url)
    return render(request, "storefront/checkout/pay_approve.html", context)


@require_GET
@with_csp
def checkout_pay_return(request):
    """Where Alipay (through Stripe) sends the shopper back. The payment's state is asked of
    Stripe — never taken from the query string — and the checkout is completed once it is
    paid; a payment still being confirmed shows a page to check again."""
    token = request.session.get(SESSION_KEY)
    user = request.user if request.user.is_authenticated else None
    reference = request.GET.get("payment_intent", "")
    checkout = session_checkout(request)
    if checkout is None:
        # Back again after the order was placed (a reload, the back button).
        order = _placed_order(token, user) or _order_paid_by(reference, user)
        return (
            redirect("storefront:order", order_id=order.pk)
            if order
            else redirect("storefront:cart")
        )
    item = (
        TransactionItem.objects.filter(
            checkout=checkout, gateway=Gateway.STRIPE, psp_reference=reference
        ).first()
        if reference
        else None
    )
    if item is None:
        messages.error(request, _("没有找到这笔支付，请重新选择支付方式。"))
        return redirect("storefront:checkout-payment")
    try:
        process_transaction(item, user=user)
    except ValidationError as error:
        return _back_to_step(request, error)
    coverage = checkout_payment_coverage(checkout)
    total = load_checkout_info(checkout).total().gross.amount
    if coverage.charged + coverage.authorized >= total:
        note = request.session.get(NOTE_SESSION_KEY, "")
        return _complete(request, checkout, token=token, user=user, note=note)
    item.refresh_from_db()
    if item.charge_pending_value > 0:
        return render(
            request,
            "storefront/checkout/pay_pending.html",
            {**_base_context(request), "title": _("支付确认中"), "robots": "noindex"},
        )
    messages.error(request, _("支付没有完成，请重新支付或选择其他支付方式。"))
    return redirect("storefront:checkout-review")


def _order_paid_by(reference: str, user) -> Order | None:
    """The shopper's order a Stripe payment went to, once the checkout became that order."""
    if not reference:
        return None
    item = (
        TransactionItem.objects.filter(gateway=Gateway.STRIPE, psp_reference=reference)
        .select_related("order")
        .first()
    )
    order = item.order if item is not None else None
    if order is None or (order.user_id is not None and (user is None or user.pk != order.user_id)):
        return None
    return order


def _placed_order(token, user) -> Order | None:
    if not token:
        return None
    try:
        order = Order.objects.filter(checkout_token=token).first()
    except ValidationError:
        return None
    if order is None or (order.user_id is not None and (user is None or user.pk != order.user_id)):
        return None
    return order
