"""Joining a vendor's staff from the invitation SMS (/vendor/join/<token>/).

The SMS goes to a phone number; whoever opens the link signs in (or signs up) with that
number through the shop's phone login, which also works for a farmer without a password, and
then accepts. `backend.vendors.services.accept_invitation` checks the token, its expiry and
the phone; this page only shows who invited whom and turns the service's refusal into a
message. A token that is not valid shows the same page as one that never existed.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from backend.vendors.models import VendorInvitation
from backend.vendors.scoping import forget_membership
from backend.vendors.services import accept_invitation, hash_token


def _open_invitation(token: str) -> VendorInvitation | None:
    return (
        VendorInvitation.objects.select_related("vendor")
        .filter(
            token_hash=hash_token(token),
            accepted_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .first()
    )


@never_cache
@require_http_methods(["GET", "POST"])
def join(request: HttpRequest, token: str) -> HttpResponse:
    invitation = _open_invitation(token)
    if invitation is None:
        return render(request, "vendordesk/join_invalid.html", status=404)
    if not request.user.is_authenticated:
        back = urlencode({"next": request.path})
        return render(
            request,
            "vendordesk/join.html",
            {
                "invitation": invitation,
                "login_url": f"{reverse('storefront:login')}?{back}",
                "signup_url": f"{reverse('storefront:signup')}?{back}",
            },
        )
    error = ""
    if request.method == "POST":
        try:
            with transaction.atomic():
                accept_invitation(user=request.user, token=token)
        except ValidationError as refusal:
            error = " ".join(refusal.messages)
        else:
            forget_membership(request.user)
            messages.success(
                request, _("已加入「%(vendor)s」。") % {"vendor": invitation.vendor.name}
            )
            return redirect("vendordesk:home")
    return render(
        request,
        "vendordesk/join.html",
        {"invitation": invitation, "error": error},
        status=400 if error else 200,
    )
