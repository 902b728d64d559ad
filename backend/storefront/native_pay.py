"""Paying with Alipay or WeChat Pay on the web pages, without script.

Placing the order starts the payment (`start_native_payment`) and sends the shopper to the
waiting page. The waiting page asks the gateway where the payment stands on every load (never
trusting a return URL's parameters), completes the checkout into the order as soon as it is
paid, and otherwise shows how to pay: Alipay's cashier (PC web pay on a computer, WAP pay on
a phone), WeChat Pay's QR code for a computer (Native; also inside WeChat, where the code can
be long-pressed) or WeChat's H5 page on a phone browser. It refreshes itself every few seconds
with a meta refresh; where script is allowed (`script-src 'self'`), `pay_wait.js` polls the
small status endpoint instead and reloads the moment the payment is in.
"""

from __future__ import annotations

import logging
from urllib.parse import parse_qs, urlsplit

import segno
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from backend.checkout.calculations import load_checkout_info
from backend.checkout.models import Checkout
from backend.payment.config import wechatpay_config
from backend.payment.models import Gateway, TransactionEventType, TransactionItem
from backend.payment.services import (
    checkout_payment_coverage,
    initialize_transaction,
    process_transaction,
)
from backend.storefront.security import with_csp

logger = logging.getLogger(__name__)

NATIVE_GATEWAYS = (Gateway.ALIPAY.value, Gateway.WECHATPAY.value)
TRANSACTION_SESSION_KEY = "storefront_native_transaction"
PROVIDER_URL_SESSION_KEY = "storefront_native_provider_url"
PHONE_MARKERS = ("Mobile", "Android", "iPhone", "iPad", "HarmonyOS")


def is_phone(request: HttpRequest) -> bool:
    agent = request.headers.get("User-Agent", "")
    return any(marker in agent for marker in PHONE_MARKERS)


def in_wechat(request: HttpRequest) -> bool:
    return "MicroMessenger" in request.headers.get("User-Agent", "")


def start_native_payment(request: HttpRequest, checkout: Checkout, gateway: str) -> str:
    """Start an Alipay or WeChat Pay payment for the checkout; returns where to send the
    shopper (the waiting page, which takes them on to the provider)."""
    wait_url = request.build_absolute_uri(reverse("storefront:checkout-pay-wait"))
    data: dict = {"returnUrl": wait_url}
    if gateway == Gateway.ALIPAY:
        data["tradeType"] = "WAP" if is_phone(request) else "PAGE"
    elif is_phone(request) and not in_wechat(request):
        # WeChat Pay wants the payer's own address (behind the load balancer: the first
        # X-Forwarded-For entry).
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")[0].strip()
        client_ip = forwarded or request.META.get("REMOTE_ADDR", "127.0.0.1")
        data.update(tradeType="H5", clientIp=client_ip)
    else:
        data["tradeType"] = "NATIVE"
    step = initialize_transaction(
        checkout=checkout, gateway_id=gateway, amount=None, data=data, user=request.user
    )
    request.session[TRANSACTION_SESSION_KEY] = str(step.transaction.token)
    request.session[PROVIDER_URL_SESSION_KEY] = (step.data or {}).get("redirect_url", "")
    go = "?go=1" if request.session[PROVIDER_URL_SESSION_KEY] else ""
    return reverse("storefront:checkout-pay-wait") + go


def _transaction(request: HttpRequest, checkout: Checkout) -> TransactionItem | None:
    token = request.session.get(TRANSACTION_SESSION_KEY)
    if not token:
        return None
    try:
        return TransactionItem.objects.filter(
            checkout=checkout, token=token, gateway__in=NATIVE_GATEWAYS
        ).first()
    except ValidationError:
        return None


def _qr_data_uri(code_url: str) -> str:
    return segno.make(code_url, error="m").svg_data_uri(scale=6, border=2)


def _sandbox_scan_url(code_url: str) -> str:
    """In a PAYMENT_SANDBOX demo, the stand-in's page that plays the shopper's phone."""
    config = wechatpay_config()
    if config is None or not config.sandbox:
        return ""
    code = parse_qs(urlsplit(code_url).query).get("pr", [""])[0]
    return f"{config.api_base}/scan?pr={code}"


def _paid(checkout: Checkout) -> bool:
    coverage = checkout_payment_coverage(checkout)
    total = load_checkout_info(checkout).total().gross.amount
    return coverage.charged + coverage.authorized >= total


@require_GET
@with_csp
def checkout_pay_wait(request: HttpRequest):
    from backend.storefront import checkout_views
    from backend.storefront.cart import SESSION_KEY, session_checkout
    from backend.storefront.views import _base_context

    token = request.session.get(SESSION_KEY)
    user = request.user if request.user.is_authenticated else None
    checkout = session_checkout(request)
    if checkout is None:
        order = checkout_views._placed_order(token, user)
        return (
            redirect("storefront:order", order_id=order.pk)
            if order
            else redirect("storefront:cart")
        )
    item = _transaction(request, checkout)
    if item is None:
        messages.error(request, _("没有找到这笔支付，请重新选择支付方式。"))
        return redirect("storefront:checkout-payment")
    problem = ""
    try:
        process_transaction(item, user=user)
    except ValidationError:
        problem = _("暂时无法向支付渠道确认，稍后会自动重试。")
    if _paid(checkout):
        note = request.session.get(checkout_views.NOTE_SESSION_KEY, "")
        for key in (TRANSACTION_SESSION_KEY, PROVIDER_URL_SESSION_KEY):
            request.session.pop(key, None)
        return checkout_views._complete(request, checkout, token=token, user=user, note=note)
    item.refresh_from_db()
    if item.events.filter(type=TransactionEventType.CANCEL_SUCCESS).exists():
        messages.error(request, _("这笔支付已关闭，请重新下单付款。"))
        return redirect("storefront:checkout-review")
    provider_url = request.session.get(PROVIDER_URL_SESSION_KEY, "")
    code_url = item.client_secret if item.payment_method_type == "wechatpay_native" else ""
    context = _base_context(request)
    context.update(
        title=_("等待付款"),
        robots="noindex",
        gateway=item.gateway,
        gateway_name=item.name,
        amount=item.events.filter(type=TransactionEventType.CHARGE_REQUEST).first(),
        provider_url=provider_url,
        go=bool(provider_url) and request.GET.get("go") == "1",
        qr=_qr_data_uri(code_url) if code_url else "",
        sandbox_scan_url=_sandbox_scan_url(code_url) if code_url else "",
        in_wechat=in_wechat(request),
        problem=problem,
        status_url=reverse("storefront:checkout-pay-status"),
        wait_url=reverse("storefront:checkout-pay-wait"),
    )
    return render(request, "storefront/checkout/pay_wait.html", context)


@require_GET
def checkout_pay_status(request: HttpRequest) -> JsonResponse:
    """{"paid": bool} for `pay_wait.js`: the payment's state as the gateway reports it."""
    from backend.storefront.cart import session_checkout

    checkout = session_checkout(request)
    if checkout is None:
        return JsonResponse({"paid": True})
    item = _transaction(request, checkout)
    if item is None:
        return JsonResponse({"paid": False, "missing": True}, status=404)
    user = request.user if request.user.is_authenticated else None
    try:
        process_transaction(item, user=user)
    except ValidationError:
        return JsonResponse({"paid": False, "retry": True})
    return JsonResponse({"paid": _paid(checkout)})
