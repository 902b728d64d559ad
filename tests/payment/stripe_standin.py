"""A local stand-in for Stripe's API, and Stripe's webhook signature.

The payment code under test is the production code with the official `stripe` library; only
the address it talks to changes (settings.STRIPE_API_BASE → this server on 127.0.0.1 and a
random port). The server speaks the part of Stripe's v1 API the code uses, with Stripe's JSON
shapes (https://docs.stripe.com/api): form-encoded POST bodies with `a[b]`/`a[0]` keys,
Bearer authentication, and idempotency: a request repeated with the same `Idempotency-Key`
gets the first response again (with `Idempotent-Replayed: true`), a different request under
the same key gets Stripe's `idempotency_error`. Every request is recorded so tests can assert
what was sent.

Tests move a PaymentIntent along its lifecycle with `server.update_intent(...)` (what the
shopper's browser and the bank would do), and build webhook deliveries with `sign()` exactly
as Stripe signs them: header `t=<timestamp>,v1=<HMAC-SHA256 of "<timestamp>.<payload>">`.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

SECRET_KEY = "sk_test_countymarket_standin"
PUBLISHABLE_KEY = "pk_test_countymarket_standin"
WEBHOOK_SECRET = "whsec_countymarket_standin"


@dataclass
class RecordedRequest:
    method: str
    path: str
    params: dict[str, Any]
    idempotency_key: str | None
    authorization: str | None


def _nest(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    """Stripe's form encoding: `metadata[a]=1&payment_method_types[0]=card` → nested values."""
    result: dict[str, Any] = {}
    for key, value in pairs:
        parts = key.replace("]", "").split("[")
        target = result
        for part, following in itertools.pairwise(parts):
            default: Any = [] if following.isdigit() else {}
            if isinstance(target, list):
                index = int(part)
                while len(target) <= index:
                    target.append(default)
                target = target[index]
            else:
                target = target.setdefault(part, default)
        last = parts[-1]
        if isinstance(target, list):
            target.append(value)
        else:
            target[last] = value
    return result


def _id(prefix: str) -> str:
    return f"{prefix}_{secrets.token_hex(12)}"


@dataclass
class StripeStandIn:
    requests: list[RecordedRequest] = field(default_factory=list)
    intents: dict[str, dict[str, Any]] = field(default_factory=dict)
    refunds: dict[str, dict[str, Any]] = field(default_factory=dict)
    # What the next refunds answer with: "succeeded", "pending" or "failed".
    refund_status: str = "succeeded"
    _idempotent: dict[str, tuple[str, int, dict]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def start(self) -> StripeStandIn:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format, *args):
                return

            def do_GET(self):
                server._handle(self, "GET")

            def do_POST(self):
                server._handle(self, "POST")

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def calls(self, method: str, prefix: str) -> list[RecordedRequest]:
        return [r for r in self.requests if r.method == method and r.path.startswith(prefix)]

    # --- what the shopper and the bank do ---------------------------------------------------

    def update_intent(self, intent_id: str, **changes: Any) -> dict[str, Any]:
        with self._lock:
            intent = self.intents[intent_id]
            intent.update(changes)
            if changes.get("status") in ("succeeded", "requires_payment_method", "canceled"):
                intent["next_action"] = None
            if changes.get("status") == "succeeded":
                intent.setdefault("latest_charge", _id("ch"))
                if not changes.get("amount_received"):
                    intent["amount_received"] = intent["amount"]
            return json.loads(json.dumps(intent))

    def succeed(self, intent_id: str) -> dict[str, Any]:
        return self.update_intent(intent_id, status="succeeded", latest_charge=_id("ch"))

    def fail(self, intent_id: str, message: str = "Your card was declined.") -> dict[str, Any]:
        charge = _id("ch")
        return self.update_intent(
            intent_id,
            status="requires_payment_method",
            latest_charge=charge,
            last_payment_error={"type": "card_error", "charge": charge, "message": message},
        )

    # --- the API -----------------------------------------------------------------------------

    def _handle(self, request: BaseHTTPRequestHandler, method: str) -> None:
        length = int(request.headers.get("Content-Length") or 0)
        body = request.rfile.read(length).decode() if length else ""
        path, _, query = request.path.partition("?")
        params = _nest(parse_qsl(body or query, keep_blank_values=True))
        key = request.headers.get("Idempotency-Key")
        auth = request.headers.get("Authorization")
        with self._lock:
            self.requests.append(RecordedRequest(method, path, params, key, auth))
            if auth != f"Bearer {SECRET_KEY}":
                status, payload = 401, _error("invalid_request_error", "Invalid API Key provided")
                replayed = False
            elif method == "POST" and key and key in self._idempotent:
                previous_fingerprint, status, payload = self._idempotent[key]
                replayed = True
                if previous_fingerprint != f"{path}{sorted(params.items())!r}":
                    status, payload = (
                        400,
                        _error(
                            "idempotency_error",
                            "Keys for idempotent requests can only be used with the same "
                            "parameters they were first used with.",
                        ),
                    )
                    replayed = False
            else:
                status, payload = self._route(method, path, params)
                replayed = False
                if method == "POST" and key:
                    fingerprint = f"{path}{sorted(params.items())!r}"
                    self._idempotent[key] = (fingerprint, status, payload)
        data = json.dumps(payload).encode()
        request.send_response(status)
        request.send_header("Content-Type", "application/json")
        request.send_header("Content-Length", str(len(data)))
        request.send_header("Request-Id", _id("req"))
        if key:
            request.send_header("Idempotency-Key", key)
        if replayed:
            request.send_header("Idempotent-Replayed", "true")
        request.end_headers()
        request.wfile.write(data)

    def _route(self, method: str, path: str, params: dict) -> tuple[int, dict]:
        parts = path.strip("/").split("/")
        if parts[:2] == ["v1", "payment_intents"]:
            if method == "POST" and len(parts) == 2:
                return self._create_intent(params)
            if method == "POST" and len(parts) == 4 and parts[3] == "cancel":
                return self._cancel_intent(parts[2], params)
            if method == "GET" and len(parts) == 3:
                intent = self.intents.get(parts[2])
                if intent is None:
                    return 404, _error(
                        "invalid_request_error", f"No such payment_intent: '{parts[2]}'"
                    )
                return 200, json.loads(json.dumps(intent))
        if parts == ["v1", "refunds"] and method == "POST":
            return self._create_refund(params)
        return 404, _error("invalid_request_error", f"Unrecognized request URL ({method} {path})")

    def _create_intent(self, params: dict) -> tuple[int, dict]:
        try:
            amount = int(params["amount"])
        except (KeyError, ValueError):
            return 400, _error("invalid_request_error", "Missing required param: amount.")
        intent_id = _id("pi")
        intent = {
            "id": intent_id,
            "object": "payment_intent",
            "amount": amount,
            "amount_capturable": 0,
            "amount_received": 0,
            "capture_method": params.get("capture_method", "automatic_async"),
            "client_secret": f"{intent_id}_secret_{secrets.token_hex(8)}",
            "created": int(time.time()),
            "currency": params["currency"],
            "last_payment_error": None,
            "latest_charge": None,
            "livemode": False,
            "metadata": params.get("metadata", {}),
            "payment_method": None,
            "payment_method_types": params.get("payment_method_types", ["card"]),
            "status": "requires_payment_method",
            "next_action": None,
        }
        if params.get("confirm") == "true":
            # Server-side confirmation of a redirect method (Alipay): Stripe answers
            # `requires_action` with the provider's page to send the shopper to.
            method = (params.get("payment_method_data") or {}).get("type")
            if method not in intent["payment_method_types"] or not params.get("return_url"):
                return 400, _error(
                    "invalid_request_error", "confirm=true needs payment_method_data and return_url"
                )
            intent.update(
                status="requires_action",
                payment_method=_id("pm"),
                next_action={
                    "type": "redirect_to_url",
                    "redirect_to_url": {
                        "url": f"{self.url}/authorize/{intent_id}",
                        "return_url": params["return_url"],
                    },
                },
            )
        self.intents[intent_id] = intent
        return 200, json.loads(json.dumps(intent))

    def _cancel_intent(self, intent_id: str, params: dict) -> tuple[int, dict]:
        intent = self.intents.get(intent_id)
        if intent is None:
            return 404, _error("invalid_request_error", f"No such payment_intent: '{intent_id}'")
        if intent["status"] in ("succeeded", "canceled"):
            return 400, _error(
                "invalid_request_error",
                "You cannot cancel this PaymentIntent because it has a status of "
                f"{intent['status']}.",
                code="payment_intent_unexpected_state",
            )
        intent.update(status="canceled", cancellation_reason=params.get("cancellation_reason"))
        return 200, json.loads(json.dumps(intent))

    def _create_refund(self, params: dict) -> tuple[int, dict]:
        intent = self.intents.get(params.get("payment_intent", ""))
        if intent is None or intent["status"] != "succeeded":
            return 400, _error("invalid_request_error", "This PaymentIntent has no charge.")
        refunded = sum(
            r["amount"]
            for r in self.refunds.values()
            if r["payment_intent"] == intent["id"] and r["status"] != "failed"
        )
        amount = int(params.get("amount") or intent["amount_received"] - refunded)
        if refunded + amount > intent["amount_received"]:
            return 400, _error(
                "invalid_request_error",
                f"Refund amount ({amount}) is greater than unrefunded amount on charge.",
                code="amount_too_large",
            )
        refund = {
            "id": _id("re"),
            "object": "refund",
            "amount": amount,
            "charge": intent["latest_charge"],
            "created": int(time.time()),
            "currency": intent["currency"],
            "metadata": params.get("metadata", {}),
            "payment_intent": intent["id"],
            "reason": params.get("reason"),
            "status": self.refund_status,
            "failure_reason": "lost_or_stolen_card" if self.refund_status == "failed" else None,
        }
        self.refunds[refund["id"]] = refund
        return 200, dict(refund)


def _error(kind: str, message: str, *, code: str | None = None) -> dict:
    return {"error": {"type": kind, "message": message, "code": code}}


def event(event_type: str, obj: dict[str, Any], *, event_id: str | None = None) -> bytes:
    """A webhook delivery body, as Stripe sends it."""
    return json.dumps(
        {
            "id": event_id or _id("evt"),
            "object": "event",
            "api_version": "2025-01-27.acacia",
            "created": int(time.time()),
            "data": {"object": obj},
            "livemode": False,
            "pending_webhooks": 1,
            "type": event_type,
        }
    ).encode()


def sign(payload: bytes, secret: str = WEBHOOK_SECRET, *, timestamp: int | None = None) -> str:
    """The `Stripe-Signature` header Stripe would send with `payload`."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    signed = f"{timestamp}.".encode() + payload
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"
