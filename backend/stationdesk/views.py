"""The station operator's mobile pages (/station/). Thin: forms in, services called, the
refusal shown next to its field. A station the user does not work at is 404, whatever the URL.
"""

from __future__ import annotations

import datetime as dt
from functools import wraps

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db.models import F
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from backend.order.models import OrderChargeStatus
from backend.routing.models import LegStatus, Shipment, ShipmentLeg, ShipmentStatus
from backend.routing.selectors import CODE_SHOWN_WHILE
from backend.stationdesk import forms, qr, selectors, services
from backend.stationdesk.models import FirstMileParcel, FirstMileStatus
from backend.stationdesk.services import StationDeskError
from backend.stations.selectors import stations_operated_by

LOGIN_URL = reverse_lazy("stationdesk:login")
# How many parcels a page lists under its form (the counter's view, not a report).
LIST_LIMIT = 50


class LoginView(auth_views.LoginView):
    template_name = "stationdesk/login.html"
    authentication_form = forms.OperatorLoginForm
    redirect_authenticated_user = True

    def get_default_redirect_url(self) -> str:
        return reverse("stationdesk:home")


def operator_page(view):
    """Signed-in users only; `code` in the URL becomes the station, if the user works there
    (otherwise 404: an operator cannot tell another station's pages from missing ones)."""

    @wraps(view)
    @login_required(login_url=LOGIN_URL)
    @never_cache
    def wrapper(request: HttpRequest, code: str, *args, **kwargs):
        station = stations_operated_by(request.user).filter(code=code).first()
        if station is None:
            raise Http404(_("没有找到该站点。"))
        return view(request, station, *args, **kwargs)

    return wrapper


@login_required(login_url=LOGIN_URL)
@never_cache
def home(request: HttpRequest) -> HttpResponse:
    stations = list(stations_operated_by(request.user).order_by("code"))
    if not stations:
        return render(request, "stationdesk/not_operator.html", status=403)
    return render(
        request,
        "stationdesk/home.html",
        {"counts": selectors.counts_for(stations), "today": selectors.today()},
    )


def _scan_page(request, station, *, title, action, service, listing, template):
    form = forms.ScanForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            result = service(station=station, code=form.cleaned_data["code"], user=request.user)
        except StationDeskError as error:
            forms.add_errors(form, error)
        else:
            if result.repeated:
                messages.info(
                    request, _("包裹 %(code)s 已处理过，无需重复扫描。") % {"code": result.code}
                )
            else:
                messages.success(
                    request,
                    _("包裹 %(code)s：%(action)s。") % {"code": result.code, "action": action},
                )
            return redirect(request.path)
    return render(
        request,
        template,
        {"station": station, "form": form, "title": title, "listing": listing},
    )


@operator_page
def inbound(request: HttpRequest, station) -> HttpResponse:
    expected = (
        ShipmentLeg.objects.filter(
            to_station=station, status__in=[LegStatus.PENDING, LegStatus.IN_PROGRESS]
        )
        .select_related("shipment", "from_station")
        .order_by("planned_arrival_at", "pk")[:LIST_LIMIT]
    )
    first_mile = FirstMileParcel.objects.filter(
        next_station=station, status=FirstMileStatus.IN_TRANSIT
    ).select_related("current_station")[:LIST_LIMIT]
    return _scan_page(
        request,
        station,
        title=_("到站签收"),
        action=_("已签收"),
        service=services.receive_parcel,
        listing={"legs": expected, "first_mile": first_mile},
        template="stationdesk/inbound.html",
    )


@operator_page
def outbound(request: HttpRequest, station) -> HttpResponse:
    if request.method == "POST" and request.POST.get("action") == "deliver":
        service, action = services.confirm_delivery, _("已送达")
    else:
        service, action = services.dispatch_parcel, _("已发出")
    waiting = (
        ShipmentLeg.objects.filter(
            from_station=station,
            status=LegStatus.PENDING,
            shipment__status__in=[ShipmentStatus.PLANNED, ShipmentStatus.AT_STATION],
        )
        .select_related("shipment", "to_station")
        .order_by("planned_at", "pk")[:LIST_LIMIT]
    )
    delivering = Shipment.objects.filter(
        destination_station=station, status=ShipmentStatus.OUT_FOR_DELIVERY
    ).order_by("updated_at")[:LIST_LIMIT]
    first_mile = FirstMileParcel.objects.filter(
        current_station=station,
        status__in=[FirstMileStatus.REGISTERED, FirstMileStatus.AT_STATION],
    ).select_related("next_station")[:LIST_LIMIT]
    return _scan_page(
        request,
        station,
        title=_("发出 / 派送"),
        action=action,
        service=service,
        listing={"legs": waiting, "delivering": delivering, "first_mile": first_mile},
        template="stationdesk/outbound.html",
    )


@operator_page
def pickup(request: HttpRequest, station) -> HttpResponse:
    form = forms.HandOverForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            result = services.hand_over(
                station=station,
                code=form.cleaned_data["code"],
                pickup_code=form.cleaned_data["pickup_code"],
                user=request.user,
            )
        except StationDeskError as error:
            forms.add_errors(form, error)
        else:
            messages.success(request, _("包裹 %(code)s 已交给顾客。") % {"code": result.code})
            return redirect(request.path)
    ready = (
        Shipment.objects.filter(destination_station=station, status=ShipmentStatus.READY_FOR_PICKUP)
        .select_related("order")
        .order_by("updated_at", "pk")[:LIST_LIMIT]
    )
    return render(
        request,
        "stationdesk/pickup.html",
        {"station": station, "form": form, "title": _("取件交付"), "ready": ready},
    )


@operator_page
def cash(request: HttpRequest, station) -> HttpResponse:
    form = forms.CashForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            order = services.collect_cash(
                station=station,
                code=form.cleaned_data["code"],
                amount=form.cleaned_data["amount"],
                user=request.user,
            )
        except StationDeskError as error:
            forms.add_errors(form, error)
        else:
            messages.success(
                request,
                _("订单 %(number)s 已收款 ¥%(amount)s。")
                % {"number": order.number, "amount": order.total_charged_amount},
            )
            return redirect(request.path)
    unpaid = (
        Shipment.objects.filter(destination_station=station)
        .exclude(status__in=[ShipmentStatus.CANCELLED, ShipmentStatus.RETURNED])
        .exclude(order__charge_status__in=[OrderChargeStatus.FULL, OrderChargeStatus.OVERCHARGED])
        .annotate(due=F("order__total_gross_amount") - F("order__total_charged_amount"))
        .select_related("order")
        .order_by("pk")[:LIST_LIMIT]
    )
    return render(
        request,
        "stationdesk/cash.html",
        {"station": station, "form": form, "title": _("到站收款"), "unpaid": unpaid},
    )


@operator_page
def first_mile(request: HttpRequest, station) -> HttpResponse:
    form = forms.FirstMileForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            parcel = services.register_first_mile(
                station=station, user=request.user, **form.cleaned_data
            )
        except StationDeskError as error:
            forms.add_errors(form, error)
        else:
            messages.success(
                request,
                _("已登记，包裹码 %(code)s，请写在包裹上。") % {"code": parcel.code},
            )
            return redirect(request.path)
    parcels = FirstMileParcel.objects.filter(origin_station=station).select_related(
        "current_station", "next_station"
    )[:LIST_LIMIT]
    return render(
        request,
        "stationdesk/first_mile.html",
        {"station": station, "form": form, "title": _("农产品进城"), "parcels": parcels},
    )


@operator_page
@require_GET
def manifest(request: HttpRequest, station) -> HttpResponse:
    runs = selectors.dispatch_runs()
    try:
        day = (
            dt.date.fromisoformat(request.GET.get("date", "")) if request.GET.get("date") else None
        )
    except ValueError:
        day = None
    day = day or selectors.today()
    run = runs[0]
    wanted = request.GET.get("run", "")
    for candidate in runs:
        if f"{candidate:%H:%M}" == wanted:
            run = candidate
    return render(
        request,
        "stationdesk/manifest.html",
        {
            "station": station,
            "title": _("发车清单"),
            "manifest": selectors.manifest(station, day, run),
            "run_labels": [f"{r:%H:%M}" for r in runs],
            "run_label": f"{run:%H:%M}",
        },
    )


@require_GET
@never_cache
def pickup_qr(request: HttpRequest, code: str) -> HttpResponse:
    """The pickup QR code as SVG, for the order's owner only (others get 404, signed in or
    not): the storefront's order page shows it with `<img src="/station/qr/<code>.svg">`."""
    shipment = Shipment.objects.select_related("order").filter(code=code.upper()).first()
    user = request.user
    if (
        shipment is None
        or not user.is_authenticated
        or shipment.order.user_id != user.pk
        or not shipment.pickup_code_salt
        or shipment.status not in CODE_SHOWN_WHILE
    ):
        raise Http404
    response = HttpResponse(qr.svg_for(shipment), content_type="image/svg+xml")
    response["Cache-Control"] = "private, no-store"
    return response
