"""What a station operator does to a parcel (issue #4, "Station operators").

Every service takes the station and the acting user, checks that the user works at that
station (`StationOperator`), and runs in one transaction that locks the parcel's row (and its
legs) with SELECT … FOR UPDATE, so two phones scanning the same parcel at once are applied one
after the other. Each scan writes a tracking event (who, station, time, action) that the
shopper sees in order tracking, and each change of custody an audit record.

A parcel that is neither at nor heading to the operator's station is answered "not found",
exactly like a parcel that does not exist: an operator cannot learn anything about another
station's parcels by trying codes.

Lock order: the order row (only when cash is collected), then the shipment, then its legs.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from backend.account.phone import normalize_phone
from backend.core import audit
from backend.order.events import add_event
from backend.order.models import Order, OrderChargeStatus, OrderEvents
from backend.payment.error_codes import PaymentErrorCode
from backend.payment.services import mark_order_paid
from backend.routing import pickup_codes
from backend.routing.models import (
    DeliveryKind,
    LegKind,
    LegStatus,
    Shipment,
    ShipmentLeg,
    ShipmentStatus,
    TrackingAction,
    TrackingEvent,
)
from backend.stationdesk.error_codes import StationDeskErrorCode as Code
from backend.stationdesk.models import (
    FirstMileAction,
    FirstMileEvent,
    FirstMileParcel,
    FirstMileStatus,
)
from backend.stationdesk.qr import parse_payload
from backend.stations.models import Station, StationCapability, StationLevel, StationOperator
from backend.trace import scans as trace_scans

FIRST_MILE_PREFIX = "F"
# The brute-force window of the pickup code (issue #4: "e.g. 5 tries per parcel per hour").
WRONG_CODE_WINDOW = dt.timedelta(hours=1)
# A first-mile parcel a village station can take by hand: 50 kg (the county's van limit per
# parcel; heavier produce goes by the cooperative's own truck).
MAX_FIRST_MILE_GRAMS = 50_000


class StationDeskError(ValidationError):
    """A refused operator action: a stable `code`, the `field` it concerns (None for the whole
    input) and a message in the operator's language."""

    def __init__(self, message: str, *, code: str, field: str | None = None):
        super().__init__({field or "__all__": [ValidationError(message, code=code)]})
        self.desk_code = code
        self.desk_field = field
        self.desk_message = message


@dataclass
class ScanResult:
    """The parcel a scan concerned; `repeated` when the same scan had been made before (a
    second scan is harmless and changes nothing)."""

    shipment: Shipment | None = None
    first_mile: FirstMileParcel | None = None
    repeated: bool = False
    events: list[str] = field(default_factory=list)

    @property
    def code(self) -> str:
        parcel = self.shipment or self.first_mile
        return parcel.code if parcel else ""


def max_wrong_codes() -> int:
    return int(getattr(settings, "PICKUP_MAX_WRONG_CODES_PER_HOUR", 5))


# --- scoping ----------------------------------------------------------------------------------


def require_operator(*, station: Station, user) -> None:
    """The user must work at the station (DESIGN.md: a station operator only sees their
    station's parcels); staff rights do not stand in for it."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        raise StationDeskError(_("请先登录。"), code=Code.PERMISSION_DENIED)
    if not StationOperator.objects.filter(station=station, user=user).exists():
        raise StationDeskError(
            _("您不是该站点的操作员。"), code=Code.PERMISSION_DENIED, field="station"
        )


def operated_station(*, user, code: str) -> Station:
    """The station with `code` if the user works there; otherwise "not found" (an operator of
    another station learns nothing about it)."""
    station = None
    if getattr(user, "is_authenticated", False) and user.is_active:
        station = Station.objects.filter(code=(code or "").strip(), memberships__user=user).first()
    if station is None:
        raise StationDeskError(_("没有找到该站点。"), code=Code.NOT_FOUND, field="station")
    return station


def normalize_code(code: str) -> str:
    return (code or "").strip().upper()


def _not_found() -> StationDeskError:
    return StationDeskError(_("本站没有这个包裹。"), code=Code.NOT_FOUND, field="code")


def _concerns(shipment: Shipment, station: Station) -> bool:
    if shipment.destination_station_id == station.pk:
        return True
    return ShipmentLeg.objects.filter(
        Q(from_station=station) | Q(to_station=station), shipment=shipment
    ).exists()


def _locked_shipment(station: Station, code: str) -> tuple[Shipment, list[ShipmentLeg]]:
    shipment = (
        Shipment.objects.select_for_update(of=("self",))
        .select_related("order", "destination_station")
        .filter(code=normalize_code(code))
        .first()
    )
    if shipment is None or not _concerns(shipment, station):
        raise _not_found()
    legs = list(
        ShipmentLeg.objects.select_for_update().filter(shipment=shipment).order_by("sequence")
    )
    return shipment, legs


def _current_leg(legs: list[ShipmentLeg]) -> ShipmentLeg | None:
    return next((leg for leg in legs if leg.status != LegStatus.DONE), None)


def _event(shipment, station, user, action, now, note="") -> TrackingEvent:
    event = TrackingEvent.objects.create(
        shipment=shipment,
        station=station,
        actor=user if getattr(user, "is_authenticated", False) else None,
        action=action,
        at=now,
        note=note,
    )
    trace_scans.parcel_scanned(event)  # the batches in the parcel record the scan (#14)
    return event


def _audit(user, action: str, shipment: Shipment, before: dict, after: dict) -> None:
    audit.record(actor=user, action=action, instance=shipment, before=before, after=after)


def _wrong_status(shipment: Shipment) -> StationDeskError:
    return StationDeskError(
        _("包裹 %(code)s 当前状态为“%(status)s”，不能进行此操作。")
        % {"code": shipment.code, "status": shipment.get_status_display()},
        code=Code.WRONG_STATUS,
        field="code",
    )


def _notify(shipment: Shipment, kind: str) -> None:
    from backend.stationdesk.tasks import notify_shopper_task

    transaction.on_commit(partial(notify_shopper_task.delay, shipment.pk, kind))


# --- inbound ----------------------------------------------------------------------------------


def receive_parcel(*, station: Station, code: str, user) -> ScanResult:
    """Inbound scan: the parcel's current leg ends here and is done. At its pickup station the
    parcel becomes ready for pickup and the shopper gets the pickup code by text message."""
    require_operator(station=station, user=user)
    if normalize_code(code).startswith(FIRST_MILE_PREFIX):
        return _receive_first_mile(station=station, code=code, user=user)
    with transaction.atomic():
        shipment, legs = _locked_shipment(station, code)
        leg = _current_leg(legs)
        if shipment.status in (
            ShipmentStatus.HELD,
            ShipmentStatus.CANCELLED,
            ShipmentStatus.RETURNED,
            ShipmentStatus.PICKED_UP,
            ShipmentStatus.DELIVERED,
            ShipmentStatus.OUT_FOR_DELIVERY,
        ):
            raise _wrong_status(shipment)
        if leg is None or leg.to_station_id != station.pk:
            done_here = [
                x for x in legs if x.status == LegStatus.DONE and x.to_station_id == station.pk
            ]
            if done_here and shipment.status in (
                ShipmentStatus.AT_STATION,
                ShipmentStatus.READY_FOR_PICKUP,
            ):
                return ScanResult(shipment=shipment, repeated=True)
            raise StationDeskError(
                _("包裹 %(code)s 不是发往本站的，请核对。") % {"code": shipment.code},
                code=Code.NOT_AT_STATION,
                field="code",
            )
        now = timezone.now()
        before = {"status": shipment.status, "custody": leg.from_station_id}
        leg.status = LegStatus.DONE
        leg.done_at = now
        leg.save(update_fields=["status", "done_at"])
        _event(shipment, station, user, TrackingAction.RECEIVED, now)
        actions = [TrackingAction.RECEIVED.value]
        is_destination = shipment.destination_station_id == station.pk
        if is_destination and shipment.delivery_kind == DeliveryKind.PICKUP:
            shipment.status = ShipmentStatus.READY_FOR_PICKUP
            _event(shipment, station, user, TrackingAction.READY_FOR_PICKUP, now)
            actions.append(TrackingAction.READY_FOR_PICKUP.value)
            _notify(shipment, "ready")
        else:
            shipment.status = ShipmentStatus.AT_STATION
        shipment.save(update_fields=["status", "updated_at"])
        _audit(
            user,
            "shipment.received",
            shipment,
            before,
            {"status": shipment.status, "custody": station.pk},
        )
    return ScanResult(shipment=shipment, events=actions)


# --- outbound ---------------------------------------------------------------------------------


def dispatch_parcel(*, station: Station, code: str, user) -> ScanResult:
    """Outbound scan: the parcel leaves on its next leg (to the next station, to the courier,
    or out for delivery to the shopper's door)."""
    require_operator(station=station, user=user)
    if normalize_code(code).startswith(FIRST_MILE_PREFIX):
        return _dispatch_first_mile(station=station, code=code, user=user)
    with transaction.atomic():
        shipment, legs = _locked_shipment(station, code)
        leg = _current_leg(legs)
        if shipment.status in (ShipmentStatus.IN_TRANSIT, ShipmentStatus.OUT_FOR_DELIVERY):
            if leg is not None and leg.from_station_id == station.pk:
                return ScanResult(shipment=shipment, repeated=True)
            previous = [x for x in legs if x.status == LegStatus.DONE]
            if previous and previous[-1].from_station_id == station.pk:
                return ScanResult(shipment=shipment, repeated=True)
        if shipment.status not in (ShipmentStatus.PLANNED, ShipmentStatus.AT_STATION):
            raise _wrong_status(shipment)
        if leg is None or leg.from_station_id != station.pk:
            raise StationDeskError(
                _("包裹 %(code)s 不在本站，不能从本站发出。") % {"code": shipment.code},
                code=Code.NOT_AT_STATION,
                field="code",
            )
        now = timezone.now()
        before = {"status": shipment.status, "custody": station.pk}
        if leg.kind == LegKind.TO_SHOPPER:
            leg.status = LegStatus.IN_PROGRESS
            shipment.status = ShipmentStatus.OUT_FOR_DELIVERY
            action = TrackingAction.OUT_FOR_DELIVERY
        elif leg.kind == LegKind.TO_COURIER:
            # The express courier signs for it at the county centre: our part of the trip ends.
            leg.status = LegStatus.DONE
            leg.done_at = now
            shipment.status = ShipmentStatus.IN_TRANSIT
            action = TrackingAction.DISPATCHED
        else:
            leg.status = LegStatus.IN_PROGRESS
            shipment.status = ShipmentStatus.IN_TRANSIT
            action = TrackingAction.DISPATCHED
        leg.save(update_fields=["status", "done_at"])
        shipment.save(update_fields=["status", "updated_at"])
        note = leg.to_station.name if leg.to_station_id and leg.to_station else ""
        _event(shipment, station, user, action, now, note)
        _audit(
            user,
            "shipment.dispatched",
            shipment,
            before,
            {"status": shipment.status, "custody": leg.to_station_id, "leg": leg.kind},
        )
    return ScanResult(shipment=shipment, events=[action.value])


def confirm_delivery(*, station: Station, code: str, user) -> ScanResult:
    """Home delivery (网订到家): the courier of the station confirms the parcel reached the
    shopper; the last leg is done."""
    require_operator(station=station, user=user)
    with transaction.atomic():
        shipment, legs = _locked_shipment(station, code)
        if shipment.status == ShipmentStatus.DELIVERED:
            return ScanResult(shipment=shipment, repeated=True)
        leg = _current_leg(legs)
        if shipment.status != ShipmentStatus.OUT_FOR_DELIVERY:
            raise _wrong_status(shipment)
        if leg is None or leg.kind != LegKind.TO_SHOPPER or leg.from_station_id != station.pk:
            raise StationDeskError(
                _("包裹 %(code)s 不由本站派送。") % {"code": shipment.code},
                code=Code.NOT_AT_STATION,
                field="code",
            )
        now = timezone.now()
        leg.status = LegStatus.DONE
        leg.done_at = now
        leg.save(update_fields=["status", "done_at"])
        shipment.status = ShipmentStatus.DELIVERED
        shipment.save(update_fields=["status", "updated_at"])
        _event(shipment, station, user, TrackingAction.DELIVERED, now)
        _audit(
            user,
            "shipment.delivered",
            shipment,
            {"status": ShipmentStatus.OUT_FOR_DELIVERY, "custody": station.pk},
            {"status": shipment.status, "custody": "shopper"},
        )
    return ScanResult(shipment=shipment, events=[TrackingAction.DELIVERED.value])


# --- pickup hand-over -------------------------------------------------------------------------


def hand_over(*, station: Station, code: str, pickup_code: str, user) -> ScanResult:
    """Release a parcel to the shopper against the 6-digit pickup code (or the QR payload,
    pasted or scanned into either field).

    At most `PICKUP_MAX_WRONG_CODES_PER_HOUR` wrong codes per parcel in any hour: once they are
    used up even the right code is refused until the oldest of them is an hour old. Each wrong
    code is a tracking event (PICKUP_CODE_REJECTED) that stays written although the hand-over
    is refused. Two operators scanning at once: the row lock lets the first release the parcel,
    and the second is told it was already picked up.
    """
    require_operator(station=station, user=user)
    for text in (pickup_code, code):
        parsed = parse_payload(text or "")
        if parsed is not None:
            code, pickup_code = parsed
            break
    pickup_code = (pickup_code or "").strip()
    if not normalize_code(code):
        raise StationDeskError(_("请输入包裹码。"), code=Code.REQUIRED, field="code")
    if not pickup_code:
        raise StationDeskError(_("请输入取件码。"), code=Code.REQUIRED, field="pickupCode")
    rejected: StationDeskError | None = None
    with transaction.atomic():
        shipment, _legs = _locked_shipment(station, code)
        if shipment.delivery_kind != DeliveryKind.PICKUP:
            raise StationDeskError(
                _("包裹 %(code)s 不是自提包裹。") % {"code": shipment.code},
                code=Code.WRONG_STATUS,
                field="code",
            )
        if shipment.destination_station_id != station.pk:
            raise StationDeskError(
                _("包裹 %(code)s 不在本站自提。") % {"code": shipment.code},
                code=Code.NOT_AT_STATION,
                field="code",
            )
        if shipment.status == ShipmentStatus.PICKED_UP:
            picked = shipment.events.filter(action=TrackingAction.PICKED_UP).last()
            when = timezone.localtime(picked.at) if picked else None
            raise StationDeskError(
                _("包裹 %(code)s 已于 %(time)s 被取走，请勿重复交付。")
                % {"code": shipment.code, "time": f"{when:%m-%d %H:%M}" if when else "—"},
                code=Code.ALREADY_PICKED_UP,
                field="code",
            )
        if shipment.status in (
            ShipmentStatus.PLANNED,
            ShipmentStatus.IN_TRANSIT,
            ShipmentStatus.AT_STATION,
        ):
            raise StationDeskError(
                _("包裹 %(code)s 还没有到站签收。") % {"code": shipment.code},
                code=Code.NOT_AT_STATION,
                field="code",
            )
        if shipment.status != ShipmentStatus.READY_FOR_PICKUP:
            raise _wrong_status(shipment)
        now = timezone.now()
        wrong = TrackingEvent.objects.filter(
            shipment=shipment,
            action=TrackingAction.PICKUP_CODE_REJECTED,
            at__gt=now - WRONG_CODE_WINDOW,
        ).count()
        if wrong >= max_wrong_codes():
            raise StationDeskError(
                _("取件码错误次数过多，请一小时后再试，或请顾客联系客服。"),
                code=Code.TOO_MANY_ATTEMPTS,
                field="pickupCode",
            )
        if not pickup_codes.matches(shipment.pickup_code_salt, pickup_code):
            _event(shipment, station, user, TrackingAction.PICKUP_CODE_REJECTED, now)
            left = max_wrong_codes() - wrong - 1
            rejected = StationDeskError(
                _("取件码不正确（本小时还可尝试 %(left)s 次）。") % {"left": left},
                code=Code.INVALID_PICKUP_CODE,
                field="pickupCode",
            )
        else:
            order = shipment.order
            if order.charge_status not in (OrderChargeStatus.FULL, OrderChargeStatus.OVERCHARGED):
                raise StationDeskError(
                    _("订单 %(number)s 尚未付款，请先收款。") % {"number": order.number},
                    code=Code.NOT_PAID,
                    field="code",
                )
            shipment.status = ShipmentStatus.PICKED_UP
            shipment.save(update_fields=["status", "updated_at"])
            _event(shipment, station, user, TrackingAction.PICKED_UP, now)
            _audit(
                user,
                "shipment.picked_up",
                shipment,
                {"status": ShipmentStatus.READY_FOR_PICKUP, "custody": station.pk},
                {"status": shipment.status, "custody": "shopper"},
            )
    # Raised after the commit: the wrong try stays on record.
    if rejected is not None:
        raise rejected
    return ScanResult(shipment=shipment, events=[TrackingAction.PICKED_UP.value])


# --- cash at the station ----------------------------------------------------------------------


def parse_amount(value) -> Decimal:
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise StationDeskError(
            _("请输入金额，例如 25.60。"), code=Code.INVALID, field="amount"
        ) from None
    if not amount.is_finite() or amount <= 0 or int(amount.as_tuple().exponent) < -2:
        raise StationDeskError(_("金额须为正数，最多两位小数。"), code=Code.INVALID, field="amount")
    return amount


def collect_cash(*, station: Station, code: str, amount, user) -> Order:
    """Cash for a pay-at-station order (到站付款), taken at the station the parcel is for: the
    amount must be exactly what is outstanding; the order is then marked paid."""
    require_operator(station=station, user=user)
    if not station.has_capability(StationCapability.CASH_COLLECTION):
        raise StationDeskError(
            _("本站未开通到站付款。"), code=Code.CAPABILITY_MISSING, field="station"
        )
    value = parse_amount(amount)
    shipment = Shipment.objects.select_related("order").filter(code=normalize_code(code)).first()
    if shipment is None or not _concerns(shipment, station):
        raise _not_found()
    if shipment.destination_station_id != station.pk:
        raise StationDeskError(
            _("包裹 %(code)s 不在本站收款。") % {"code": shipment.code},
            code=Code.NOT_AT_STATION,
            field="code",
        )
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=shipment.order_id)
        Shipment.objects.select_for_update().filter(pk=shipment.pk).first()
        outstanding = order.total_gross_amount - order.total_charged_amount
        if outstanding <= 0:
            raise StationDeskError(
                _("订单 %(number)s 已付清，无需收款。") % {"number": order.number},
                code=Code.ALREADY_PAID,
                field="code",
            )
        if value != outstanding:
            raise StationDeskError(
                _("金额不符：应收 ¥%(due)s。") % {"due": outstanding},
                code=Code.AMOUNT_MISMATCH,
                field="amount",
            )
        try:
            mark_order_paid(order, user=user, psp_reference=f"{station.code}/{shipment.code}")
        except ValidationError as error:
            items = (
                [item for group in error.error_dict.values() for item in group]
                if hasattr(error, "error_dict")
                else error.error_list
            )
            # UNIQUE: this station already recorded cash for this parcel.
            if {item.code for item in items} & {
                PaymentErrorCode.ALREADY_PAID,
                PaymentErrorCode.UNIQUE,
            }:
                raise StationDeskError(
                    _("订单 %(number)s 已付清，无需收款。") % {"number": order.number},
                    code=Code.ALREADY_PAID,
                    field="code",
                ) from error
            message = "; ".join(str(m) for m in error.messages)
            raise StationDeskError(message, code=Code.INVALID, field="code") from error
        order.refresh_from_db()
    return order


# --- first mile (农产品进城) ------------------------------------------------------------------


def _next_up(station: Station) -> Station | None:
    """The next station towards the county centre: the parent, else the county centre."""
    if station.level == StationLevel.COUNTY:
        return None
    if station.parent_id:
        return station.parent
    return Station.objects.filter(level=StationLevel.COUNTY).order_by("code").first()


def register_first_mile(
    *,
    station: Station,
    producer_name: str,
    producer_phone: str,
    description: str,
    weight_grams,
    user,
) -> FirstMileParcel:
    """Produce collected from a local producer becomes a parcel to the county centre."""
    require_operator(station=station, user=user)
    errors: dict[str, list[ValidationError]] = {}
    name = (producer_name or "").strip()
    text = (description or "").strip()
    phone = normalize_phone(producer_phone or "")
    if not name:
        errors["producerName"] = [ValidationError(_("请填写农户姓名。"), code=Code.REQUIRED)]
    elif len(name) > 64:
        errors["producerName"] = [ValidationError(_("姓名太长。"), code=Code.INVALID)]
    if phone is None:
        errors["producerPhone"] = [ValidationError(_("请填写正确的手机号。"), code=Code.INVALID)]
    if not text:
        errors["description"] = [ValidationError(_("请填写货品说明。"), code=Code.REQUIRED)]
    elif len(text) > 256:
        errors["description"] = [ValidationError(_("货品说明太长。"), code=Code.INVALID)]
    try:
        grams = int(str(weight_grams).strip())
    except (TypeError, ValueError):
        grams = 0
    if not 0 < grams <= MAX_FIRST_MILE_GRAMS:
        errors["weightGrams"] = [
            ValidationError(_("重量须在 1 克到 50 公斤之间。"), code=Code.INVALID)
        ]
    if errors:
        first_field, first = next(iter(errors.items()))
        error = StationDeskError(
            str(first[0].message), code=first[0].code or Code.INVALID, field=first_field
        )
        error.error_dict = errors
        raise error
    target = _next_up(station)
    if target is None:
        raise StationDeskError(
            _("县分拨中心不需要登记农产品进城包裹。"), code=Code.INVALID, field="station"
        )
    if not station.has_capability(StationCapability.PARCEL_SEND_RECEIVE):
        raise StationDeskError(
            _("本站未开通快递代收发。"), code=Code.CAPABILITY_MISSING, field="station"
        )
    assert phone is not None
    for attempt in range(5):
        try:
            with transaction.atomic():
                parcel = FirstMileParcel.objects.create(
                    code=FIRST_MILE_PREFIX + pickup_codes.new_parcel_code()[1:],
                    origin_station=station,
                    current_station=station,
                    next_station=target,
                    producer_name=name,
                    producer_phone=phone,
                    description=text,
                    weight_grams=grams,
                    registered_by=user,
                )
                FirstMileEvent.objects.create(
                    parcel=parcel, station=station, actor=user, action=FirstMileAction.REGISTERED
                )
                audit.record(
                    actor=user,
                    action="first_mile.registered",
                    instance=parcel,
                    after={"custody": station.pk, "producer": name, "weight_grams": grams},
                )
                return parcel
        except IntegrityError:
            if attempt == 4:
                raise
    raise AssertionError("unreachable")


def _locked_first_mile(station: Station, code: str) -> FirstMileParcel:
    parcel = (
        FirstMileParcel.objects.select_for_update(of=("self",))
        .select_related("current_station", "next_station")
        .filter(code=normalize_code(code))
        .filter(Q(origin_station=station) | Q(current_station=station) | Q(next_station=station))
        .first()
    )
    if parcel is None:
        raise _not_found()
    return parcel


def _dispatch_first_mile(*, station: Station, code: str, user) -> ScanResult:
    with transaction.atomic():
        parcel = _locked_first_mile(station, code)
        if parcel.status == FirstMileStatus.IN_TRANSIT and parcel.current_station_id == station.pk:
            return ScanResult(first_mile=parcel, repeated=True)
        if parcel.current_station_id != station.pk or parcel.status not in (
            FirstMileStatus.REGISTERED,
            FirstMileStatus.AT_STATION,
        ):
            raise StationDeskError(
                _("包裹 %(code)s 不在本站，不能从本站发出。") % {"code": parcel.code},
                code=Code.NOT_AT_STATION,
                field="code",
            )
        parcel.status = FirstMileStatus.IN_TRANSIT
        parcel.save(update_fields=["status", "updated_at"])
        FirstMileEvent.objects.create(
            parcel=parcel, station=station, actor=user, action=FirstMileAction.DISPATCHED
        )
        audit.record(
            actor=user,
            action="first_mile.dispatched",
            instance=parcel,
            before={"custody": station.pk},
            after={"custody": parcel.next_station_id},
        )
    return ScanResult(first_mile=parcel, events=[FirstMileAction.DISPATCHED.value])


def _receive_first_mile(*, station: Station, code: str, user) -> ScanResult:
    with transaction.atomic():
        parcel = _locked_first_mile(station, code)
        if parcel.current_station_id == station.pk and parcel.status in (
            FirstMileStatus.AT_STATION,
            FirstMileStatus.ARRIVED,
        ):
            return ScanResult(first_mile=parcel, repeated=True)
        if parcel.next_station_id != station.pk:
            raise StationDeskError(
                _("包裹 %(code)s 不是发往本站的，请核对。") % {"code": parcel.code},
                code=Code.NOT_AT_STATION,
                field="code",
            )
        before = {"custody": parcel.current_station_id}
        parcel.current_station = station
        parcel.next_station = _next_up(station)
        parcel.status = (
            FirstMileStatus.ARRIVED if parcel.next_station is None else FirstMileStatus.AT_STATION
        )
        parcel.save(update_fields=["current_station", "next_station", "status", "updated_at"])
        FirstMileEvent.objects.create(
            parcel=parcel, station=station, actor=user, action=FirstMileAction.RECEIVED
        )
        audit.record(
            actor=user,
            action="first_mile.received",
            instance=parcel,
            before=before,
            after={"custody": station.pk, "status": parcel.status},
        )
    return ScanResult(first_mile=parcel, events=[FirstMileAction.RECEIVED.value])


# --- reminders and returns (Celery beat) ------------------------------------------------------


def return_to_sender(*, shipment: Shipment, reason: str) -> bool:
    """An uncollected parcel goes back: status returned, a tracking event, an order note, and
    the shopper is told. Returns False when the parcel is no longer waiting (picked up
    meanwhile)."""
    with transaction.atomic():
        locked = (
            Shipment.objects.select_for_update(of=("self",))
            .select_related("order", "destination_station")
            .get(pk=shipment.pk)
        )
        if locked.status != ShipmentStatus.READY_FOR_PICKUP:
            return False
        locked.status = ShipmentStatus.RETURNED
        locked.save(update_fields=["status", "updated_at"])
        _event(
            locked,
            locked.destination_station,
            None,
            TrackingAction.RETURNED,
            timezone.now(),
            reason,
        )
        add_event(
            locked.order,
            OrderEvents.NOTE_ADDED,
            message=_("包裹 %(code)s 逾期未取，已退回：%(reason)s")
            % {"code": locked.code, "reason": reason},
        )
        audit.record(
            actor=None,
            action="shipment.returned",
            instance=locked,
            before={"status": ShipmentStatus.READY_FOR_PICKUP},
            after={"status": locked.status, "reason": reason},
        )
        _notify(locked, "returned")
    return True
