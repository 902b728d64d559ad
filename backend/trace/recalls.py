"""Risk control: quality spot checks (网货质量抽查) and recalls (召回).

A failed spot check, in ONE transaction: suspends the product's listing (off sale in every
channel) and its brand licence (the badge comes off) through their own services, blocks the
batch, records the result on the batch's trace, opens a recall, and — after the commit — tells
the vendor's owners and the brand managers. If any step refuses, nothing is written.

A recall starts from a batch: the order lines that took it (backend/trace/fefo.py) are exactly
the affected orders; the stations their parcels went to and the shoppers are found from them.
Shoppers are told by SMS and e-mail with a link to acknowledge; the batch's unsold stock is
blocked; paid lines are refunded per the recall's policy; progress is the share acknowledged.
"""

from __future__ import annotations

import datetime
import secrets
from decimal import Decimal
from functools import partial
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from backend.core import audit
from backend.core.permissions import Permission
from backend.inventory.models import Stock
from backend.routing.models import ShipmentLine
from backend.trace.error_codes import TraceErrorCode as Code
from backend.trace.models import (
    Batch,
    BatchAllocation,
    BatchStatus,
    BizStep,
    EventSource,
    ReadPointKind,
    Recall,
    RecallNotice,
    RecallStatus,
    RefundPolicy,
    SpotCheck,
    SpotCheckResult,
)
from backend.trace.services import _error, _text, append_event, as_pk, require_inspector


def _moment(value: Any, field: str) -> datetime.datetime:
    if value in (None, ""):
        return timezone.now()
    if isinstance(value, datetime.datetime):
        moment = value
    else:
        try:
            moment = datetime.datetime.fromisoformat(str(value))
        except ValueError as error:
            raise _error(field, _("时间格式不正确。"), Code.INVALID_DATE) from error
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    if moment > timezone.now() + datetime.timedelta(minutes=5):
        raise _error(field, _("不能晚于现在。"), Code.INVALID_DATE)
    return moment


def _values(values: Any) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    if values in (None, ""):
        return rows
    if not isinstance(values, list) or len(values) > 50:
        raise _error("values", _("检测值格式不正确。"), Code.INVALID)
    for item in values:
        if not isinstance(item, dict):
            raise _error("values", _("检测值格式不正确。"), Code.INVALID)
        rows.append(
            {
                "item": _text(item.get("item"), "values", max_length=100, required=True),
                "value": _text(item.get("value"), "values", max_length=50),
                "limit": _text(item.get("limit"), "values", max_length=50),
            }
        )
    return rows


# --- spot checks ------------------------------------------------------------------------------


@transaction.atomic
def record_spot_check(
    *,
    actor,
    batch: Batch | int | str | None,
    sample: Any,
    lab: Any,
    result: Any,
    sampled_at: Any = None,
    values: Any = None,
    note: Any = "",
) -> SpotCheck:
    """An inspector's spot check of a batch on sale. A failure suspends the listing and the
    brand licence, blocks the batch and opens a recall, all or nothing."""
    from backend.brand.models import BrandLicence, LicenceStatus
    from backend.brand.services import suspend_licence
    from backend.listings.services import suspend_listing

    require_inspector(actor)
    pk = as_pk(batch)
    target = (
        Batch.objects.select_related("variant__product", "vendor").filter(pk=pk).first()
        if pk is not None
        else None
    )
    if target is None:
        raise _error("batch", _("找不到这个批次。"), Code.NOT_FOUND)
    sample = _text(sample, "sample", max_length=200, required=True)
    lab = _text(lab, "lab", max_length=128, required=True)
    if result not in SpotCheckResult.values:
        raise _error("result", _("结果只能是合格或不合格。"), Code.INVALID)
    note = _text(note, "note", max_length=1000)
    if result == SpotCheckResult.FAIL and not note:
        raise _error("note", _("不合格时请写明不合格项目，商家会在通知中看到。"), Code.REQUIRED)
    moment = _moment(sampled_at, "sampled_at")
    rows = _values(values)
    product = target.variant.product
    check = SpotCheck.objects.create(
        batch=target,
        vendor=target.vendor,
        product=product,
        sample=sample,
        sampled_at=moment,
        lab=lab,
        result=result,
        values=rows,
        note=note,
        inspector=actor,
    )
    append_event(
        batch=target,
        biz_step=BizStep.SAMPLING,
        event_time=moment,
        read_point_kind=ReadPointKind.LAB,
        read_point_id=f"spot-check-{check.pk}",
        read_point_name=lab,
        source=EventSource.INSPECTOR,
        actor=actor,
        disposition="conformant" if result == SpotCheckResult.PASS else "non_conformant",
        note=sample,
    )
    audit.record(
        actor=actor,
        action="trace.spot_check_recorded",
        instance=check,
        after={"batch": target.code, "result": result, "lab": lab},
    )
    if result == SpotCheckResult.PASS:
        return check
    reason = _("网货质量抽查不合格（%(lab)s）：%(note)s") % {"lab": lab, "note": note}
    suspend_listing(actor=actor, product=product, reason=reason)
    licences = BrandLicence.objects.filter(product=product, status=LicenceStatus.ACTIVE)
    suspended = [
        suspend_licence(actor=actor, licence=licence, reason=reason) for licence in licences
    ]
    recall = open_recall(
        actor=actor, batch=target, reason=reason, refund_policy=RefundPolicy.FULL, spot_check=check
    )
    from backend.trace import notifications

    notifications.queue_spot_check_failed(check, recall=recall, licences=suspended)
    return check


# --- recalls ----------------------------------------------------------------------------------


def affected_lines(batch: Batch):
    """The batch allocations of a batch: each order line that took it, with its quantity."""
    return (
        BatchAllocation.objects.filter(batch=batch)
        .select_related("order_line__order")
        .order_by("order_line__order_id", "order_line_id")
    )


def affected(batch: Batch) -> list[tuple[Any, Any, int, int | None]]:
    """(order line, order, quantity, station) of every order line that took the batch: two
    queries on indexed foreign keys, whatever the size of the event log."""
    rows = list(
        BatchAllocation.objects.filter(batch=batch)
        .order_by("order_line__order_id", "order_line_id")
        .values_list("order_line_id", "order_line__order_id", "quantity")
    )
    stations = dict(
        ShipmentLine.objects.filter(order_line_id__in=[row[0] for row in rows]).values_list(
            "order_line_id", "shipment__destination_station_id"
        )
    )
    return [(line, order, quantity, stations.get(line)) for line, order, quantity in rows]


def _block_stock(batch: Batch, actor) -> int:
    """Take the batch's unsold units out of the vendor's sellable stock (locks: stocks in pk
    order, then the batch, as allocation does)."""
    stocks = list(
        Stock.objects.select_for_update()
        .filter(product_variant_id=batch.variant_id, warehouse__vendor_id=batch.vendor_id)
        .order_by("pk")
    )
    locked = Batch.objects.select_for_update().get(pk=batch.pk)
    to_block = locked.quantity - locked.quantity_allocated - locked.quantity_blocked
    blocked = 0
    for stock in stocks:
        if blocked >= to_block:
            break
        free = stock.quantity - stock.quantity_allocated
        take = min(max(free, 0), to_block - blocked)
        if take:
            Stock.objects.filter(pk=stock.pk).update(quantity=F("quantity") - take)
            audit.record(
                actor=actor,
                action="stock.blocked_for_recall",
                instance=stock,
                before={"quantity": stock.quantity},
                after={"quantity": stock.quantity - take, "batch": batch.code},
            )
            blocked += take
    Batch.objects.filter(pk=batch.pk).update(
        quantity_blocked=F("quantity_blocked") + max(to_block, 0), status=BatchStatus.RECALLED
    )
    return blocked


@transaction.atomic
def open_recall(
    *,
    actor,
    batch: Batch | int | str | None,
    reason: Any,
    refund_policy: Any = RefundPolicy.FULL,
    spot_check: SpotCheck | None = None,
) -> Recall:
    require_inspector(actor)
    pk = as_pk(batch)
    target = Batch.objects.filter(pk=pk).first() if pk is not None else None
    if target is None:
        raise _error("batch", _("找不到这个批次。"), Code.NOT_FOUND)
    reason = _text(reason, "reason", max_length=1000, required=True)
    if refund_policy not in RefundPolicy.values:
        raise _error("refund_policy", _("退款政策不正确。"), Code.INVALID)
    if Recall.objects.filter(batch=target, status=RecallStatus.OPEN).exists():
        raise _error("batch", _("这个批次已在召回中。"), Code.ALREADY_RECALLED)
    try:
        # The recall row first: under the one-open-recall-per-batch constraint a concurrent
        # second recall waits here for the first to commit and is refused before it blocks
        # any stock (no lock is taken on the batch before the stock rows, the order checkout
        # takes them in).
        with transaction.atomic():
            recall = Recall.objects.create(
                batch=target,
                spot_check=spot_check,
                reason=reason,
                refund_policy=refund_policy,
                opened_by=actor,
            )
    except IntegrityError:
        raise _error("batch", _("这个批次已在召回中。"), Code.ALREADY_RECALLED) from None
    _block_stock(target, actor)
    notices = [
        RecallNotice(
            recall=recall,
            order_line_id=line_id,
            order_id=order_id,
            quantity=quantity,
            station_id=station_id,
            token=secrets.token_urlsafe(16)[:22],
        )
        for line_id, order_id, quantity, station_id in affected(target)
    ]
    RecallNotice.objects.bulk_create(notices)
    append_event(
        batch=target,
        biz_step=BizStep.HOLDING,
        event_time=timezone.now(),
        read_point_kind=ReadPointKind.WAREHOUSE,
        read_point_id=f"vendor-{target.vendor_id}",
        read_point_name=target.vendor.name,
        source=EventSource.INSPECTOR,
        actor=actor,
        disposition="recalled",
        note=reason[:500],
    )
    audit.record(
        actor=actor,
        action="trace.recall_opened",
        instance=recall,
        after={"batch": target.code, "orders": len({n.order_id for n in notices})},
    )
    from backend.trace.tasks import process_recall_task

    transaction.on_commit(partial(process_recall_task.delay, recall.pk, actor.pk))
    return recall


def notice_by_token(token: Any) -> RecallNotice | None:
    if not isinstance(token, str) or not token or len(token) > 32:
        return None
    return (
        RecallNotice.objects.select_related("recall__batch__variant__product")
        .filter(token=token)
        .first()
    )


@transaction.atomic
def acknowledge(*, token: Any) -> RecallNotice:
    """The shopper confirms they got the recall notice (from the link in the SMS / e-mail)."""
    notice = notice_by_token(token)
    if notice is None:
        raise _error("token", _("链接无效。"), Code.NOT_FOUND)
    locked = RecallNotice.objects.select_for_update().get(pk=notice.pk)
    if locked.acknowledged_at is None:
        locked.acknowledged_at = timezone.now()
        locked.save(update_fields=["acknowledged_at"])
        audit.record(
            actor=None,
            action="trace.recall_acknowledged",
            instance=locked,
            after={"recall": locked.recall_id},
        )
    return locked


def refund_notice(notice: RecallNotice, *, actor) -> Decimal | None:
    """Refund one notice's units per the recall's policy (full: what the units were paid),
    once; a refusal is kept on the notice for staff to see."""
    from backend.order.services import _refund_line_amount, grant_refund
    from backend.payment.services import refund_order

    if notice.recall.refund_policy != RefundPolicy.FULL or notice.refunded_amount is not None:
        return None
    line = notice.order_line
    order = line.order
    if order.total_charged_amount <= 0:
        return None
    amount = _refund_line_amount(line, notice.quantity)
    reason = _("批次 %(code)s 召回") % {"code": notice.recall.batch.code}
    try:
        with transaction.atomic():
            grant_refund(order, user=actor, reason=reason, lines=[(line, notice.quantity, reason)])
            refund_order(order, amount, user=actor, reason=reason)
            RecallNotice.objects.filter(pk=notice.pk).update(
                refunded_amount=amount, refund_error=""
            )
    except ValidationError as error:
        RecallNotice.objects.filter(pk=notice.pk).update(refund_error=error.messages[0][:300])
        return None
    return amount


@transaction.atomic
def close_recall(*, actor, recall: Recall) -> Recall:
    require_inspector(actor)
    locked = Recall.objects.select_for_update().get(pk=recall.pk)
    if locked.status != RecallStatus.OPEN:
        raise _error("recall", _("召回已完成。"), Code.INVALID_STATUS)
    locked.status = RecallStatus.CLOSED
    locked.closed_at = timezone.now()
    locked.save(update_fields=["status", "closed_at"])
    audit.record(
        actor=actor,
        action="trace.recall_closed",
        instance=locked,
        before={"status": RecallStatus.OPEN},
        after={"status": RecallStatus.CLOSED},
    )
    return locked


def progress(recall: Recall) -> dict[str, Any]:
    """Figures of a recall: orders, units, notified, acknowledged, refunded, completion."""
    figures = recall.notices.aggregate(
        lines=Count("pk"),
        orders=Count("order_id", distinct=True),
        stations=Count("station_id", distinct=True),
        notified=Count("pk", filter=Q(notified_at__isnull=False)),
        acknowledged=Count("pk", filter=Q(acknowledged_at__isnull=False)),
        refunded=Count("pk", filter=Q(refunded_amount__isnull=False)),
    )
    lines = figures["lines"]
    figures["completion"] = (
        Decimal(figures["acknowledged"] * 100 / lines).quantize(Decimal("0.1"))
        if lines
        else Decimal("100.0")
    )
    return figures


def brand_managers():
    """Active staff holding brand.manage_brand (the brand managers to tell)."""
    app_label, codename = Permission.MANAGE_BRAND.value.split(".")
    permission = Q(
        user_permissions__codename=codename, user_permissions__content_type__app_label=app_label
    ) | Q(
        groups__permissions__codename=codename,
        groups__permissions__content_type__app_label=app_label,
    )
    return get_user_model().objects.filter(permission, is_active=True, is_staff=True).distinct()
