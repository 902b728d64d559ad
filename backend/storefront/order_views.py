"""The order page: confirmation right after checkout, then tracking of each parcel.

Who may open `/orders/<uuid>/` follows Saleor's orderByToken: an order placed by a signed-in
shopper is that account's only (anyone else gets a 404, which says nothing about whether the
order exists); a guest's order is opened by whoever holds its UUID, which only the guest's
confirmation page and text messages carry. The parcel's pickup code and its QR are shown to
exactly these people, and only while the parcel waits at the station.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass

from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from backend.order.models import Order
from backend.routing import pickup_codes
from backend.routing.models import Shipment, ShipmentLeg, ShipmentStatus, TrackingEvent
from backend.routing.selectors import pickup_code_for
from backend.stationdesk.qr import svg_for
from backend.storefront.discounts import order_discount_rows
from backend.storefront.security import with_csp
from backend.storefront.views import _base_context


@dataclass
class ParcelView:
    shipment: Shipment
    legs: list[ShipmentLeg]
    events: list[TrackingEvent]
    pickup_code: str | None
    qr_data_uri: str


def viewable_order(request, order_id) -> Order:
    """The order if this request may see it, else 404 (the same for a missing order)."""
    order = Order.objects.select_related("shipping_address", "user").filter(pk=order_id).first()
    if order is None:
        raise Http404(_("没有找到这个订单。"))
    user = request.user
    if order.user_id is not None and not (user.is_authenticated and user.pk == order.user_id):
        raise Http404(_("没有找到这个订单。"))
    return order


def _pickup_code(order: Order, shipment: Shipment, user) -> str | None:
    if shipment.status != ShipmentStatus.READY_FOR_PICKUP or not shipment.pickup_code_salt:
        return None
    if order.user_id is not None:
        return pickup_code_for(shipment, order_user_id=order.user_id, user=user)
    # A guest order: holding its UUID is the capability (viewable_order).
    return pickup_codes.code_for(shipment.pickup_code_salt)


def _qr_data_uri(shipment: Shipment) -> str:
    """The QR as an <img> data URI: the page embeds no markup it did not escape."""
    encoded = base64.b64encode(svg_for(shipment, scale=5).encode()).decode()
    return f"data:image/svg+xml;base64,{encoded}"


def parcels_of(order: Order, user) -> list[ParcelView]:
    shipments = (
        order.shipments.select_related("destination_station")
        .prefetch_related(
            Prefetch(
                "legs",
                queryset=ShipmentLeg.objects.select_related("from_station", "to_station").order_by(
                    "sequence"
                ),
            ),
            Prefetch(
                "events",
                queryset=TrackingEvent.objects.select_related("station").order_by("-at", "-pk"),
            ),
        )
        .order_by("sequence")
    )
    parcels = []
    for shipment in shipments:
        code = _pickup_code(order, shipment, user)
        parcels.append(
            ParcelView(
                shipment=shipment,
                legs=list(shipment.legs.all()),
                events=list(shipment.events.all()),
                pickup_code=code,
                qr_data_uri=_qr_data_uri(shipment) if code else "",
            )
        )
    return parcels


@require_GET
@with_csp
def order_detail(request, order_id):
    order = viewable_order(request, order_id)
    context = _base_context(request, canonical=reverse("storefront:order", args=[order.pk]))
    context.update(
        title=_("订单 %(number)s") % {"number": order.number},
        description="",
        robots="noindex",
        order=order,
        lines=list(order.lines.order_by("sort_order", "pk")),
        parcels=parcels_of(order, request.user),
        is_guest_order=order.user_id is None,
        discount_rows=order_discount_rows(order),
        undiscounted_subtotal=order.undiscounted_total_gross_amount
        - order.shipping_price_gross_amount,
    )
    response = render(request, "storefront/orders/detail.html", context)
    # The URL is a capability for a guest order: keep it out of other sites' logs.
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "private, no-store"
    return response
