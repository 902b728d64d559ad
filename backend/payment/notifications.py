"""Applying Alipay's and WeChat Pay's asynchronous notifications to transactions.

Nothing in a notification is believed before its signature is verified (Alipay: RSA2 over the
sorted parameters with "支付宝公钥", and the `app_id` must be ours; WeChat Pay: the platform
signature over timestamp, nonce and body, then the AES-256-GCM resource decrypted with the
APIv3 key, and the `appid`/`mchid` inside must be ours). Both providers deliver at least once
and retry until answered with success, in no guaranteed order, so:

- each notification id is recorded in `ProcessedWebhookEvent` in the same database
  transaction as its effect, under the transaction's row lock; a replay is answered as the
  first delivery was, and changes nothing;
- effects are appended events keyed by the provider's reference (trade number, refund
  number), from which amounts are recomputed, so the same payment reported by a notification
  and by a query counts once, and a late "closed" cannot take back a charge;
- a notification for a trade we do not know, or whose amount or currency differs from the
  transaction's, is refused: logged, kept as AMOUNT_MISMATCH where there is a transaction,
  counted nowhere, and answered with a failure.
"""

from __future__ import annotations

import enum
import logging
import time
from decimal import Decimal
from typing import Any

from django.db import transaction as db_transaction

from backend.payment.config import alipay_config, wechatpay_config
from backend.payment.fen import FenError, from_fen, parse_yuan
from backend.payment.gateways import alipay as alipay_gateway
from backend.payment.gateways import wechatpay as wechatpay_gateway
from backend.payment.gateways.base import GatewayError, GatewayResult, ReportedEvent
from backend.payment.models import (
    Gateway,
    ProcessedWebhookEvent,
    TransactionEventType,
    TransactionItem,
)
from backend.payment.services import apply_gateway_result, lock_transaction

logger = logging.getLogger(__name__)
Type = TransactionEventType

# WeChat Pay's advice: refuse a notification whose timestamp is far from now (replays).
WECHATPAY_MAX_AGE_SECONDS = 300


class Verdict(enum.StrEnum):
    APPLIED = "applied"
    DUPLICATE = "duplicate"
    IGNORED = "ignored"
    # Verified, but refused: unknown trade, wrong amount or currency.
    REFUSED = "refused"
    # Not from the provider: bad signature, undecryptable, not ours.
    FORGED = "forged"

    @property
    def acknowledged(self) -> bool:
        return self in (Verdict.APPLIED, Verdict.DUPLICATE, Verdict.IGNORED)


def _locate(gateway: str, number: str) -> TransactionItem | None:
    if not number:
        return None
    pk = (
        TransactionItem.objects.filter(gateway=gateway, psp_reference=number)
        .values_list("pk", flat=True)
        .first()
    )
    return lock_transaction(pk) if pk is not None else None


def _apply(gateway: str, event_id: str, kind: str, number: str, build) -> Verdict:
    """Apply one verified notification: `build(item)` gives its events."""
    with db_transaction.atomic():
        item = _locate(gateway, number)
        if item is None:
            logger.warning(
                "%s notification %s for unknown trade %r refused", gateway, event_id, number
            )
            return Verdict.REFUSED
        seen = ProcessedWebhookEvent.objects.filter(gateway=gateway, event_id=event_id).first()
        if seen is not None:
            return Verdict.REFUSED if seen.type.endswith(":refused") else Verdict.DUPLICATE
        events = build(item)
        before = set(item.events.values_list("pk", flat=True))
        apply_gateway_result(item, GatewayResult(events=events))
        refused = item.events.exclude(pk__in=before).filter(type=Type.AMOUNT_MISMATCH).exists()
        verdict = Verdict.REFUSED if refused else Verdict.APPLIED
        ProcessedWebhookEvent.objects.create(
            gateway=gateway, event_id=event_id, type=f"{kind}:{verdict}"[:128]
        )
    return verdict


# --- Alipay -------------------------------------------------------------------------------


def handle_alipay_notification(params: dict[str, str]) -> Verdict:
    """Verify and apply one asynchronous notification (its form parameters)."""
    config = alipay_config()
    if config is None:
        logger.warning("Alipay notification received but Alipay is not configured")
        return Verdict.FORGED
    data = dict(params)
    signature = data.pop("sign", "")
    try:
        verified = bool(signature) and alipay_gateway._client(config).verify(dict(data), signature)
    except Exception:
        verified = False
    if not verified or data.get("app_id") != config.app_id:
        logger.warning("Alipay notification %r with a bad signature refused", data.get("notify_id"))
        return Verdict.FORGED
    notify_id = data.get("notify_id") or ""
    number = data.get("out_trade_no") or ""
    if not notify_id:
        return Verdict.FORGED

    def build(item: TransactionItem) -> list[ReportedEvent]:
        return _alipay_events(item, data)

    return _apply(Gateway.ALIPAY, notify_id, data.get("notify_type") or "", number, build)


def _alipay_events(item: TransactionItem, data: dict[str, str]) -> list[ReportedEvent]:
    from backend.payment import transactions

    refund_number = data.get("out_biz_no") or ""
    if refund_number and data.get("refund_fee"):
        # A refund's notification: the request it names succeeded.
        request = item.events.filter(type=Type.REFUND_REQUEST, psp_reference=refund_number).first()
        if request is None:
            logger.warning("Alipay refund notification for unknown request %s", refund_number)
            return []
        return [
            ReportedEvent(
                Type.REFUND_SUCCESS, request.amount_value, request.currency, refund_number
            )
        ]
    try:
        parse_yuan(data.get("total_amount") or "")
    except FenError:
        logger.warning("Alipay notification %s: unreadable amount", data.get("notify_id"))
        return [
            ReportedEvent(Type.CHARGE_SUCCESS, Decimal("-1"), "CNY", data.get("trade_no") or "?")
        ]
    return alipay_gateway.events_from_trade(data, transactions.expected_amount(item))


# --- WeChat Pay ---------------------------------------------------------------------------

# A notification signed with a serial we do not know makes the SDK download the platform
# certificates again (WeChat Pay rotates them); at most once a minute, so forged serials cannot
# turn our endpoint into a stream of requests to WeChat Pay.
CERTIFICATE_REFRESH_SECONDS = 60
_last_refresh = {"at": 0.0}


def _may_check_serial(config, serial: str) -> bool:
    core = wechatpay_gateway._client(config)._core
    if core._public_key_id and serial == core._public_key_id:
        return True
    try:
        number = int(serial, 16)
    except ValueError:
        return False
    if any(certificate.serial_number == number for certificate in core._certificates):
        return True
    now = time.monotonic()
    if now - _last_refresh["at"] < CERTIFICATE_REFRESH_SECONDS:
        return False
    _last_refresh["at"] = now
    return True


def handle_wechatpay_notification(headers, body: bytes) -> Verdict:
    """Verify, decrypt and apply one notification (request headers and raw body)."""
    config = wechatpay_config()
    if config is None:
        logger.warning("WeChat Pay notification received but WeChat Pay is not configured")
        return Verdict.FORGED
    try:
        timestamp = int(headers.get("Wechatpay-Timestamp") or 0)
    except ValueError:
        timestamp = 0
    if abs(time.time() - timestamp) > WECHATPAY_MAX_AGE_SECONDS:
        logger.warning("WeChat Pay notification with a stale or missing timestamp refused")
        return Verdict.FORGED
    if not _may_check_serial(config, str(headers.get("Wechatpay-Serial") or "")):
        logger.warning("WeChat Pay notification signed with an unknown serial refused")
        return Verdict.FORGED
    try:
        notification = wechatpay_gateway._client(config).callback(headers, body)
    except GatewayError:
        raise
    except Exception:
        notification = None
    if not notification or not isinstance(notification.get("resource"), dict):
        logger.warning("WeChat Pay notification with a bad signature or resource refused")
        return Verdict.FORGED
    resource: dict[str, Any] = notification["resource"]
    event_type = str(notification.get("event_type") or "")
    event_id = str(notification.get("id") or "")
    if resource.get("mchid") != config.mchid or (
        "appid" in resource and resource.get("appid") != config.appid
    ):
        logger.warning("WeChat Pay notification %s for another merchant refused", event_id)
        return Verdict.FORGED
    if not event_id:
        return Verdict.FORGED
    number = str(resource.get("out_trade_no") or "")
    if event_type.startswith("TRANSACTION."):

        def build(item: TransactionItem) -> list[ReportedEvent]:
            from backend.payment import transactions

            try:
                return wechatpay_gateway.events_from_transaction(
                    resource, transactions.expected_amount(item)
                )
            except FenError:
                return [ReportedEvent(Type.CHARGE_SUCCESS, Decimal("-1"), "CNY", "unreadable")]

        return _apply(Gateway.WECHATPAY, event_id, event_type, number, build)
    if event_type.startswith("REFUND."):

        def build_refund(item: TransactionItem) -> list[ReportedEvent]:
            refund_no = str(resource.get("out_refund_no") or "")
            request = item.events.filter(type=Type.REFUND_REQUEST, psp_reference=refund_no).first()
            if request is None:
                logger.warning("WeChat Pay refund notification for unknown refund %s", refund_no)
                return []
            try:
                amount = from_fen(
                    wechatpay_gateway.fen_of((resource.get("amount") or {}).get("refund"))
                )
            except FenError:
                amount = Decimal("-1")
            if amount != request.amount_value:
                logger.warning(
                    "WeChat Pay refund %s: %s reported, %s asked",
                    refund_no,
                    amount,
                    request.amount_value,
                )
                return [
                    ReportedEvent(
                        Type.AMOUNT_MISMATCH,
                        amount if amount >= 0 else Decimal(0),
                        "CNY",
                        f"refund:{refund_no}",
                    )
                ]
            status = str(resource.get("refund_status") or "")
            kind = {"SUCCESS": Type.REFUND_SUCCESS}.get(status, Type.REFUND_FAILURE)
            if status not in ("SUCCESS", "CLOSED", "ABNORMAL"):
                return []
            return [ReportedEvent(kind, request.amount_value, request.currency, refund_no, status)]

        return _apply(Gateway.WECHATPAY, event_id, event_type, number, build_refund)
    logger.info("WeChat Pay notification %s of type %s ignored", event_id, event_type)
    return Verdict.IGNORED
