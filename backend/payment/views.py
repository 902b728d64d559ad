"""The Stripe webhook endpoint: verify the signature, apply the event, answer quickly.

Stripe retries deliveries that do not get a 2xx, so the answers are: 200 for an applied,
replayed or ignored event; 400 for a payload that is not a correctly signed Stripe event;
409 for an event about a payment whose creation has not been committed yet (delivered again
later); 503 when the database is unavailable. Nothing from outside produces a 500.
"""

from __future__ import annotations

import logging

import stripe
from django.conf import settings
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from backend.payment.gateways.base import GatewayError
from backend.payment.notifications import (
    Verdict,
    handle_alipay_notification,
    handle_wechatpay_notification,
)
from backend.payment.webhooks import Outcome, handle_stripe_event

logger = logging.getLogger(__name__)


@csrf_exempt
@require_POST
def stripe_webhook(request: HttpRequest) -> JsonResponse:
    secret = settings.STRIPE_WEBHOOK_SECRET
    if not secret:
        logger.warning("Stripe webhook received but STRIPE_WEBHOOK_SECRET is not set")
        return JsonResponse({"error": "webhook not configured"}, status=400)
    signature = request.headers.get("Stripe-Signature", "")
    try:
        event = stripe.Webhook.construct_event(request.body, signature, secret).to_dict()
    except stripe.SignatureVerificationError:
        logger.warning("Stripe webhook with a bad signature refused")
        return JsonResponse({"error": "bad signature"}, status=400)
    except (ValueError, TypeError, AttributeError, KeyError):
        return JsonResponse({"error": "bad payload"}, status=400)
    event_id = event.get("id")
    try:
        outcome = handle_stripe_event(event)
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        logger.warning("Stripe event %r could not be read: %r", event_id, error)
        return JsonResponse({"error": "unreadable event"}, status=400)
    except DatabaseError:
        logger.exception("Stripe event %r not applied: database error", event_id)
        return JsonResponse({"error": "try again"}, status=503)
    if outcome == Outcome.RETRY:
        return JsonResponse({"received": True, "outcome": str(outcome)}, status=409)
    return JsonResponse({"received": True, "outcome": str(outcome)})


@csrf_exempt
@require_POST
def alipay_notify(request: HttpRequest) -> HttpResponse:
    """Alipay's asynchronous notification: the plain text `success` stops its retries (for
    up to 25 hours); anything else, e.g. `fail`, makes it deliver again later."""
    params = {key: request.POST.get(key, "") for key in request.POST}
    try:
        verdict = handle_alipay_notification(params)
    except DatabaseError:
        logger.exception(
            "Alipay notification %r not applied: database error", params.get("notify_id")
        )
        return HttpResponse("fail", content_type="text/plain", status=503)
    return HttpResponse(
        "success" if verdict.acknowledged else "fail",
        content_type="text/plain",
        status=200 if verdict.acknowledged else 400,
    )


@csrf_exempt
@require_POST
def wechatpay_notify(request: HttpRequest) -> HttpResponse:
    """WeChat Pay v3's notification: 200/204 acknowledges it; a 4xx/5xx answer with
    `{"code": "FAIL", "message": …}` makes WeChat Pay retry (15s, 15s, 30s, 3m, … up to 24 h)."""
    try:
        verdict = handle_wechatpay_notification(request.headers, request.body)
    except DatabaseError:
        logger.exception("WeChat Pay notification not applied: database error")
        return JsonResponse({"code": "FAIL", "message": "try again"}, status=503)
    except GatewayError as error:
        logger.warning("WeChat Pay notification not checked: %s", error)
        return JsonResponse({"code": "FAIL", "message": "try again"}, status=503)
    if verdict.acknowledged:
        return HttpResponse(status=204)
    message = "bad signature" if verdict == Verdict.FORGED else "refused"
    return JsonResponse({"code": "FAIL", "message": message}, status=400)
