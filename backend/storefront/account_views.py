"""The shopper's account on the web pages: sign-up and login by mobile number (password or a
texted code), logout, the order list and the address book.

The account services (`backend.account.services`, `backend.account.addresses`) do the work;
the session login is Django's, through the project's authentication backend. On login the cart
filled while signed out becomes the account's and absorbs the account's other open carts
(`attach_customer`), so nothing the shopper picked is lost either way.
"""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from backend.account import login_throttle
from backend.account.addresses import (
    AddressType,
    create_address,
    delete_address,
    get_user_address,
    set_default_address,
    update_address,
)
from backend.account.models import Address
from backend.account.otp import CodePurpose
from backend.account.phone import normalize_phone
from backend.account.services import login_by_code, register_by_phone, request_phone_code
from backend.checkout.models import Checkout
from backend.checkout.services import attach_customer
from backend.storefront import selectors
from backend.storefront.cart import SESSION_KEY, session_checkout
from backend.storefront.forms import (
    AddressForm,
    LoginForm,
    PhoneCodeForm,
    add_service_errors,
    address_initial,
)
from backend.storefront.security import with_csp
from backend.storefront.views import _base_context

AUTH_BACKEND = "backend.account.backends.EmailOrPhoneBackend"
ORDERS_PER_PAGE = 20


def _page(request, template: str, title: str, **context) -> HttpResponse:
    page = _base_context(request)
    page.update(title=title, description="", robots="noindex", **context)
    return render(request, template, page)


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("storefront:account-orders")


def signed_in_required(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect(f"{reverse('storefront:login')}?next={request.path}")
        return view(request, *args, **kwargs)

    return wrapped


def _sign_in(request, user) -> None:
    """Session login, then the session's cart joins the account (or the account's newest
    cart becomes the session's)."""
    login(request, user, backend=AUTH_BACKEND)
    with transaction.atomic():
        checkout = session_checkout(request, lock=True)
        if checkout is not None:
            attach_customer(checkout, user)
            return
        channel = selectors.current_site().channel
        latest = (
            Checkout.objects.filter(user=user, channel=channel).order_by("-last_change").first()
        )
        if latest is not None:
            request.session[SESSION_KEY] = str(latest.token)


def _client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


# --- sign-up and login ------------------------------------------------------------------------


def _signup_page(request, form, *, code_sent: bool = False) -> HttpResponse:
    return _page(
        request,
        "storefront/account/signup.html",
        _("注册"),
        form=form,
        code_sent=code_sent,
        next=request.POST.get("next") or request.GET.get("next") or "",
    )


def _login_page(request, form, *, code_sent: bool = False) -> HttpResponse:
    return _page(
        request,
        "storefront/account/login.html",
        _("登录"),
        form=form,
        code_sent=code_sent,
        next=request.POST.get("next") or request.GET.get("next") or "",
    )


@require_http_methods(["GET", "POST"])
@with_csp
def signup(request):
    form = PhoneCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = register_by_phone(
                phone=data["phone"], code=data["code"], password=data["password"] or None
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            _sign_in(request, user)
            messages.success(request, _("注册成功，欢迎！"))
            return redirect(_next_url(request))
    return _signup_page(request, form)


@require_http_methods(["GET", "POST"])
@with_csp
def login_view(request):
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = _check_login(request, form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            _sign_in(request, user)
            messages.success(request, _("已登录。"))
            return redirect(_next_url(request))
    return _login_page(request, form)


def _check_login(request, data: dict):
    """The account for a number and a code or password, or an e-mail address and password;
    the same throttle as the API's tokenCreate (codes and passwords share one quota per
    number or address, and failures count per client address too)."""
    ip = _client_ip(request)
    if data["code"]:
        return login_by_code(phone=data["phone"], code=data["code"].strip(), ip=ip)
    identifier = data["phone"].strip()
    number = normalize_phone(identifier)
    if number is None and "@" not in identifier:
        raise ValidationError({"phone": _("请输入有效的中国大陆手机号。")})
    identifier = number or identifier
    login_throttle.check_login_allowed(identifier=identifier, field="phone", ip=ip)
    user = authenticate(request, username=identifier, password=data["password"])
    if user is None:
        login_throttle.record_login_failure(identifier=identifier, ip=ip)
        message = _("手机号或密码不正确。") if number else _("账号或密码不正确。")
        raise ValidationError({"password": message})
    login_throttle.record_login_success(identifier=identifier)
    return user


@require_POST
@with_csp
def send_code(request):
    """The "send code" button of the sign-up and login forms: text a one-time code (the log
    SMS backend prints it) and show the same form again with the number kept."""
    purpose = request.POST.get("purpose")
    if purpose not in (CodePurpose.REGISTER, CodePurpose.LOGIN):
        raise Http404(_("没有这个页面。"))
    form_class = PhoneCodeForm if purpose == CodePurpose.REGISTER else LoginForm
    page = _signup_page if purpose == CodePurpose.REGISTER else _login_page
    phone = request.POST.get("phone", "")
    try:
        request_phone_code(phone=phone, purpose=purpose, ip=_client_ip(request))
    except ValidationError as error:
        # Only the number was asked about: its error shows, the empty code's does not.
        bound = form_class({"phone": phone})
        bound.is_valid()
        for name in [n for n in bound.errors if n != "phone"]:
            del bound.errors[name]
        add_service_errors(bound, error)
        return page(request, bound)
    messages.success(request, _("验证码已发送，请查看短信。"))
    return page(request, form_class(initial={"phone": phone}), code_sent=True)


@require_POST
@with_csp
def logout_view(request):
    logout(request)
    messages.success(request, _("已退出登录。"))
    return redirect("storefront:home")


# --- orders -----------------------------------------------------------------------------------


@require_http_methods(["GET"])
@with_csp
@signed_in_required
def account_orders(request):
    orders = request.user.orders.order_by("-created_at")
    page = Paginator(orders, ORDERS_PER_PAGE).get_page(request.GET.get("page"))
    return _page(request, "storefront/account/orders.html", _("我的订单"), page=page)


# --- address book -----------------------------------------------------------------------------


def _own_address(request, address_id: int) -> Address:
    try:
        return get_user_address(user=request.user, address_id=address_id)
    except ValidationError as error:
        raise Http404(_("找不到该地址。")) from error


@require_http_methods(["GET"])
@with_csp
@signed_in_required
def address_list(request):
    addresses = request.user.addresses.select_related("town", "village").order_by("pk")
    return _page(
        request,
        "storefront/account/addresses.html",
        _("收货地址"),
        addresses=addresses,
        default_id=request.user.default_shipping_address_id,
    )


@require_http_methods(["GET", "POST"])
@with_csp
@signed_in_required
def address_create(request):
    form = AddressForm(request.POST or None, initial=address_initial(None))
    if request.method == "POST" and form.is_valid():
        try:
            create_address(user=request.user, data=form.address_data())
        except ValidationError as error:
            form.add_address_errors(error)
        else:
            messages.success(request, _("地址已保存。"))
            return redirect("storefront:account-addresses")
    return _page(
        request, "storefront/account/address_form.html", _("新增收货地址"), form=form, address=None
    )


@require_http_methods(["GET", "POST"])
@with_csp
@signed_in_required
def address_edit(request, address_id: int):
    address = _own_address(request, address_id)
    form = AddressForm(request.POST or None, initial=address_initial(address))
    if request.method == "POST" and form.is_valid():
        try:
            update_address(user=request.user, address=address, data=form.address_data())
        except ValidationError as error:
            form.add_address_errors(error)
        else:
            messages.success(request, _("地址已更新。"))
            return redirect("storefront:account-addresses")
    return _page(
        request,
        "storefront/account/address_form.html",
        _("修改收货地址"),
        form=form,
        address=address,
    )


@require_POST
@with_csp
@signed_in_required
def address_delete(request, address_id: int):
    address = _own_address(request, address_id)
    delete_address(user=request.user, address=address)
    messages.success(request, _("地址已删除。"))
    return redirect("storefront:account-addresses")


@require_POST
@with_csp
@signed_in_required
def address_set_default(request, address_id: int):
    address = _own_address(request, address_id)
    set_default_address(user=request.user, address=address, type=AddressType.SHIPPING)
    messages.success(request, _("已设为默认收货地址。"))
    return redirect("storefront:account-addresses")
