"""What a vendor's staff change from the workspace: packing a parcel, handing it to the
station, and the quantity held in one of their warehouses.

Every service asks `backend.vendors.scoping` for the user's vendor first; a parcel or stock row
of another vendor is "not found", exactly like one that does not exist. Each runs in one
transaction that locks the row it changes (the shipment, or the stock row), so two phones
tapping the same button at once are applied one after the other and the second changes nothing.

Lock order: the shipment, then its legs (read only), then the vendor's parcel row — the same
order as the station desk, which locks the shipment before its legs.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from backend.core import audit
from backend.inventory.models import Stock
from backend.inventory.services import set_stocks
from backend.routing.models import (
    Shipment,
    ShipmentLeg,
    ShipmentStatus,
    TrackingAction,
    TrackingEvent,
)
from backend.vendordesk.error_codes import VendorDeskErrorCode as Code
from backend.vendordesk.models import PackingStatus, VendorParcel
from backend.vendors.scoping import require_vendor


def _error(message: str, *, code: str, field: str | None = None) -> ValidationError:
    return ValidationError({field or "__all__": [ValidationError(message, code=code)]})


@dataclass
class PackingResult:
    parcel: VendorParcel
    repeated: bool = False


def _locked_parcel(*, user, shipment_id: int) -> tuple[Shipment, VendorParcel | None]:
    vendor = require_vendor(user)
    shipment = (
        Shipment.objects.select_for_update(of=("self",))
        .select_related("order")
        .filter(pk=shipment_id, source_warehouse__vendor=vendor)
        .first()
    )
    if shipment is None:
        raise _error(_("没有找到这个包裹。"), code=Code.NOT_FOUND, field="shipment")
    return shipment, VendorParcel.objects.filter(shipment=shipment).first()


def _check_still_here(shipment: Shipment) -> None:
    """Only a parcel still waiting at the warehouse (planned) can be packed or handed over; a
    held, cancelled or already dispatched parcel cannot."""
    if shipment.status != ShipmentStatus.PLANNED:
        raise _error(
            _("包裹 %(code)s 当前状态为“%(status)s”，不能再操作。")
            % {"code": shipment.code, "status": shipment.get_status_display()},
            code=Code.WRONG_STATUS,
            field="shipment",
        )


def mark_packed(*, user, shipment_id: int) -> PackingResult:
    with transaction.atomic():
        shipment, parcel = _locked_parcel(user=user, shipment_id=shipment_id)
        if parcel is not None:
            return PackingResult(parcel=parcel, repeated=True)
        _check_still_here(shipment)
        vendor = require_vendor(user)
        parcel = VendorParcel.objects.create(
            shipment=shipment,
            vendor=vendor,
            status=PackingStatus.PACKED,
            packed_at=timezone.now(),
            packed_by=user,
        )
        audit.record(
            actor=user,
            action="shipment.packed_by_vendor",
            instance=shipment,
            before=None,
            after={"packing": PackingStatus.PACKED.value, "vendor": vendor.pk},
        )
    return PackingResult(parcel=parcel)


def hand_over(*, user, shipment_id: int) -> PackingResult:
    """The vendor hands the packed parcel to the first station of its route (the `from` station
    of its first leg). Custody passes on the station's own scan; this records the vendor's side
    of it (who, when, to which station) in the audit log."""
    with transaction.atomic():
        shipment, parcel = _locked_parcel(user=user, shipment_id=shipment_id)
        if parcel is not None and parcel.status == PackingStatus.HANDED_OVER:
            return PackingResult(parcel=parcel, repeated=True)
        _check_still_here(shipment)
        vendor = require_vendor(user)
        now = timezone.now()
        first_leg = ShipmentLeg.objects.filter(shipment=shipment).order_by("sequence").first()
        if parcel is None:
            parcel = VendorParcel(shipment=shipment, vendor=vendor, packed_at=now, packed_by=user)
        before = {"packing": parcel.status or None}
        parcel.status = PackingStatus.HANDED_OVER
        parcel.handed_over_at = now
        parcel.handed_over_by = user
        parcel.station_id = first_leg.from_station_id if first_leg else None
        parcel.save()
        # Shoppers see it in their tracking; the station's own scan still takes custody.
        TrackingEvent.objects.create(
            shipment=shipment,
            station_id=parcel.station_id,
            actor=user,
            action=TrackingAction.HANDED_TO_STATION,
            at=now,
        )
        audit.record(
            actor=user,
            action="shipment.handed_to_station_by_vendor",
            instance=shipment,
            before=before,
            after={
                "packing": PackingStatus.HANDED_OVER.value,
                "vendor": vendor.pk,
                "station": parcel.station_id,
            },
        )
    return PackingResult(parcel=parcel)


def set_stock_quantity(*, user, stock_id: int, quantity: int | None) -> Stock:
    """A minor edit (no listing review, issue #6): the quantity one of the vendor's warehouses
    holds of a variant. The inventory service locks the row, refuses less than what orders have
    allocated (BELOW_ALLOCATED) and writes the audit record."""
    vendor = require_vendor(user)
    stock = (
        Stock.objects.select_related("warehouse", "product_variant")
        .filter(pk=stock_id, warehouse__vendor=vendor)
        .first()
    )
    if stock is None:
        raise _error(_("没有找到这条库存。"), code=Code.NOT_FOUND, field="stock")
    if quantity is None:
        raise _error(_("请填写库存数量。"), code=Code.REQUIRED, field="quantity")
    (changed,) = set_stocks(
        variant=stock.product_variant,
        stocks=[{"warehouse": stock.warehouse, "quantity": quantity}],
        actor=user,
    )
    return changed
