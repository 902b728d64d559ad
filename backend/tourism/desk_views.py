"""The venue staff's redemption desk (/venue/), a phone page like the station desk.

Scan the QR with the phone's camera (BarcodeDetector, where the browser has it, from a static
script; the strict CSP allows nothing inline) or type the code → the voucher's page says what
it is for → redeem. A venue the user does not work at is 404 whatever the URL, and a voucher of
another venue is reported like a code that does not exist. Every redemption form carries an
idempotency key, so a double tap or a resent form redeems once.
"""

from __future__ import annotations

import datetime as dt
import uuid
from functools import wraps

from django import forms
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from backend.stationdesk.forms import OperatorLoginForm
from backend.storefront.security import with_csp
from backend.tourism import booking, codes, redemption, selectors
from backend.tourism.models import TourismRedemption
from backend.tourism.redemption import RedemptionError

LOGIN_URL = reverse_lazy("venuedesk:login")
RECENT_LIMIT = 20
REPORT_DAYS = 14


class LoginView(auth_views.LoginView):
    template_name = "venuedesk/login.html"
    authentication_form = OperatorLoginForm
    redirect_authenticated_user = True

    def get_default_redirect_url(self) -> str:
        return reverse("venuedesk:home")

    @classmethod
    def as_view(cls, **kwargs):
        return with_csp(super().as_view(**kwargs))


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("券码"),
        max_length=64,
        widget=forms.TextInput(
            attrs={
                "autofocus": True,
                "autocomplete": "off",
                "autocapitalize": "characters",
                "enterkeyhint": "go",
                "placeholder": "XXXX-XXXX-XXXX",
                "data-scan-target": "",
            }
        ),
    )


class UndoForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("撤销原因"), max_length=200)


def venue_page(view):
    @wraps(view)
    @login_required(login_url=LOGIN_URL)
    @never_cache
    @with_csp
    def wrapper(request: HttpRequest, venue_id: int, *args, **kwargs):
        venue = redemption.venues_of(request.user).filter(pk=venue_id).first()
        if venue is None:
            raise Http404(_("没有找到该场所。"))
        return view(request, venue, *args, **kwargs)

    return wrapper


@login_required(login_url=LOGIN_URL)
@never_cache
@with_csp
def home(request: HttpRequest) -> HttpResponse:
    venues = list(redemption.venues_of(request.user).order_by("name"))
    if not venues:
        return render(request, "venuedesk/not_staff.html", status=403)
    if len(venues) == 1:
        return redirect("venuedesk:scan", venue_id=venues[0].pk)
    return render(request, "venuedesk/home.html", {"venues": venues})


def _recent(venue):
    return (
        TourismRedemption.objects.filter(venue=venue)
        .select_related("voucher")
        .order_by("-redeemed_at", "-pk")[:RECENT_LIMIT]
    )


def _add_error(form: forms.Form, error: RedemptionError, field: str = "code") -> None:
    form.add_error(field if field in form.fields else None, error.desk_message)


@venue_page
def scan(request: HttpRequest, venue) -> HttpResponse:
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            voucher = redemption.lookup(
                user=request.user, venue=venue, code=form.cleaned_data["code"]
            )
        except RedemptionError as error:
            _add_error(form, error)
        else:
            return redirect("venuedesk:voucher", venue_id=venue.pk, code=voucher.code)
    return render(
        request,
        "venuedesk/scan.html",
        {"venue": venue, "form": form, "recent": _recent(venue), "title": _("核销")},
    )


@venue_page
def voucher(request: HttpRequest, venue, code: str) -> HttpResponse:
    try:
        found = redemption.find_for_venue(venue, code)
    except RedemptionError:
        raise Http404(_("本场所没有这张券。")) from None
    if request.method == "POST":
        try:
            result = redemption.redeem(
                user=request.user,
                venue=venue,
                code=found.code,
                idempotency_key=request.POST.get("idempotency_key", ""),
            )
        except RedemptionError as error:
            messages.error(request, error.desk_message)
        else:
            if result.repeated:
                messages.info(request, _("这次核销已完成，无需重复提交。"))
            else:
                messages.success(
                    request,
                    _("核销成功：%(name)s %(ticket)s，剩余 %(left)s 次。")
                    % {
                        "name": result.voucher.product_name,
                        "ticket": result.voucher.ticket_name,
                        "left": result.voucher.uses_left,
                    },
                )
        return redirect("venuedesk:voucher", venue_id=venue.pk, code=found.code)
    now = timezone.now()
    history = list(found.redemptions.select_related("venue"))
    for row in history:
        row.can_undo = row.undone_at is None and now - row.redeemed_at <= redemption.UNDO_WINDOW  # type: ignore[attr-defined]
    return render(
        request,
        "venuedesk/voucher.html",
        {
            "venue": venue,
            "voucher": found,
            "display_code": codes.display(found.code),
            "history": history,
            "idempotency_key": uuid.uuid4().hex,
            "undo_form": UndoForm(),
            "usable": found.status == "valid"
            and found.uses_left > 0
            and found.valid_from <= now < found.valid_until,
            "title": _("券码信息"),
        },
    )


@venue_page
def undo(request: HttpRequest, venue, redemption_id: int) -> HttpResponse:
    row = (
        TourismRedemption.objects.filter(pk=redemption_id, venue=venue)
        .select_related("voucher")
        .first()
    )
    if row is None:
        raise Http404
    if request.method == "POST":
        reason = request.POST.get("reason", "")
        try:
            redemption.undo(user=request.user, redemption_id=row.pk, reason=reason)
        except RedemptionError as error:
            messages.error(request, error.desk_message)
        else:
            messages.success(request, _("已撤销这次核销，次数已退回。"))
    return redirect("venuedesk:voucher", venue_id=venue.pk, code=row.voucher.code)


@venue_page
def report(request: HttpRequest, venue) -> HttpResponse:
    today = booking.local_today()
    start = today - dt.timedelta(days=REPORT_DAYS - 1)
    days = selectors.venue_daily(venue, start, today)
    return render(
        request,
        "venuedesk/report.html",
        {
            "venue": venue,
            "days": list(reversed(days)),
            "no_show": selectors.no_show_rate(venue, start, today),
            "settlement": selectors.venue_settlement(venue, start, today),
            "start": start,
            "today": today,
            "title": _("日报"),
        },
    )
