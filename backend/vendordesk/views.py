"""The vendor workspace's mobile pages (/vendor/). Thin: forms in, services called, the
refusal shown next to its field. Every page asks `backend.vendors.scoping` who the user works
for; another vendor's parcel, warehouse, stock row, product or statement is 404, whatever the
URL, and a signed-in user who works for no vendor gets a 403 page that says how to apply.
"""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from backend.vendordesk import forms, periods, selectors, services
from backend.vendors.scoping import membership

LOGIN_URL = reverse_lazy("vendordesk:login")


class LoginView(auth_views.LoginView):
    template_name = "vendordesk/login.html"
    authentication_form = forms.VendorLoginForm
    redirect_authenticated_user = True

    def get_default_redirect_url(self) -> str:
        return reverse("vendordesk:home")


def vendor_page(view):
    """Signed-in vendor staff only; the view gets the vendor the user works for."""

    @wraps(view)
    @login_required(login_url=LOGIN_URL)
    @never_cache
    def wrapper(request: HttpRequest, *args, **kwargs):
        member = membership(request.user)
        if member is None:
            return render(request, "vendordesk/not_vendor.html", status=403)
        request.vendor_member = member  # type: ignore[attr-defined]
        return view(request, member.vendor, *args, **kwargs)

    return wrapper


def _page(request, template: str, vendor, **context) -> HttpResponse:
    member = request.vendor_member
    return render(
        request,
        template,
        {"vendor": vendor, "is_owner": member.role == "owner", **context},
    )


@vendor_page
@require_GET
def home(request: HttpRequest, vendor) -> HttpResponse:
    from backend.vendordesk import dashboard

    return _page(request, "vendordesk/home.html", vendor, counts=dashboard.counts(vendor))


# --- orders -----------------------------------------------------------------------------------


@vendor_page
@require_GET
def orders(request: HttpRequest, vendor) -> HttpResponse:
    waiting = selectors.parcel_rows(
        vendor, selectors.parcels_to_pack(vendor)[: selectors.LIST_LIMIT]
    )
    shipped = selectors.parcel_rows(vendor, selectors.shipped_parcels(vendor)[:20])
    return _page(
        request,
        "vendordesk/orders.html",
        vendor,
        title=_("待打包订单"),
        waiting=waiting,
        shipped=shipped,
    )


@vendor_page
@require_GET
def parcel(request: HttpRequest, vendor, pk: int) -> HttpResponse:
    shipment = selectors.parcel_of(vendor, pk)
    if shipment is None:
        raise Http404(_("没有找到这个包裹。"))
    (row,) = selectors.parcel_rows(vendor, [shipment])
    return _page(request, "vendordesk/parcel.html", vendor, title=shipment.code, row=row)


@vendor_page
@require_GET
def packing_list(request: HttpRequest, vendor) -> HttpResponse:
    rows = selectors.parcel_rows(vendor, selectors.parcels_to_pack(vendor)[: selectors.LIST_LIMIT])
    return _page(request, "vendordesk/packing_list.html", vendor, title=_("打包清单"), rows=rows)


def _parcel_action(request, pk: int, service, done_message: str) -> HttpResponse:
    try:
        result = service(user=request.user, shipment_id=pk)
    except ValidationError as error:
        if "NOT_FOUND" in forms.error_codes(error):
            raise Http404(_("没有找到这个包裹。")) from error
        for message in error.messages:
            messages.error(request, message)
    else:
        code = result.parcel.shipment.code
        if result.repeated:
            messages.info(request, _("包裹 %(code)s 已处理过，无需重复操作。") % {"code": code})
        else:
            messages.success(request, done_message % {"code": code})
    target = request.POST.get("next") or ""
    if target.startswith("/vendor/") and "//" not in target:
        return redirect(target)
    return redirect("vendordesk:orders")


@vendor_page
@require_POST
def mark_packed(request: HttpRequest, vendor, pk: int) -> HttpResponse:
    return _parcel_action(request, pk, services.mark_packed, _("包裹 %(code)s 已打包。"))


@vendor_page
@require_POST
def hand_over(request: HttpRequest, vendor, pk: int) -> HttpResponse:
    return _parcel_action(request, pk, services.hand_over, _("包裹 %(code)s 已交给站点。"))


# --- stock ------------------------------------------------------------------------------------


@vendor_page
@require_GET
def stock(request: HttpRequest, vendor) -> HttpResponse:
    warehouses = list(selectors.warehouses_of(vendor))
    rows = list(selectors.stocks_of(vendor))
    by_warehouse = [(w, [r for r in rows if r.warehouse_id == w.pk]) for w in warehouses]
    return _page(
        request,
        "vendordesk/stock.html",
        vendor,
        title=_("库存"),
        by_warehouse=by_warehouse,
        low=selectors.LOW_STOCK,
    )


@vendor_page
@require_GET
def warehouse(request: HttpRequest, vendor, pk: int) -> HttpResponse:
    found = selectors.warehouses_of(vendor).filter(pk=pk).first()
    if found is None:
        raise Http404(_("没有找到这个仓库。"))
    rows = list(selectors.stocks_of(vendor).filter(warehouse=found))
    return _page(
        request,
        "vendordesk/stock.html",
        vendor,
        title=found.name,
        by_warehouse=[(found, rows)],
        low=selectors.LOW_STOCK,
    )


@vendor_page
def stock_edit(request: HttpRequest, vendor, pk: int) -> HttpResponse:
    row = selectors.stocks_of(vendor).filter(pk=pk).first()
    if row is None:
        raise Http404(_("没有找到这条库存。"))
    form = forms.StockForm(
        request.POST if request.method == "POST" else None, initial={"quantity": row.quantity}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.set_stock_quantity(
                user=request.user, stock_id=row.pk, quantity=form.cleaned_data["quantity"]
            )
        except ValidationError as error:
            forms.add_errors(form, error)
        else:
            messages.success(
                request,
                _("%(name)s 在 %(warehouse)s 的库存已改为 %(quantity)d。")
                % {
                    "name": row.product_variant.product.name,
                    "warehouse": row.warehouse.name,
                    "quantity": form.cleaned_data["quantity"],
                },
            )
            return redirect("vendordesk:stock")
    return _page(
        request, "vendordesk/stock_edit.html", vendor, title=_("修改库存"), row=row, form=form
    )


# --- products ---------------------------------------------------------------------------------


@vendor_page
@require_GET
def products(request: HttpRequest, vendor) -> HttpResponse:
    from backend.listings.models import ListingState

    state = request.GET.get("state", "")
    if state not in ListingState.values:
        state = ""
    return _page(
        request,
        "vendordesk/products.html",
        vendor,
        title=_("商品"),
        products=selectors.with_badges(
            vendor, list(selectors.products_of(vendor, state=state)[:200])
        ),
        states=ListingState.choices,
        state=state,
    )


# --- more -------------------------------------------------------------------------------------


@vendor_page
@require_GET
def more(request: HttpRequest, vendor) -> HttpResponse:
    return _page(request, "vendordesk/more.html", vendor, title=_("更多"))


# --- staff ------------------------------------------------------------------------------------


@vendor_page
def staff(request: HttpRequest, vendor) -> HttpResponse:
    from backend.vendors import services as vendor_services
    from backend.vendors.models import VendorInvitation, VendorStaff

    form = forms.InviteForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation, _token = vendor_services.invite_staff(
                vendor=vendor,
                actor=request.user,
                phone=form.cleaned_data["phone"],
                role=form.cleaned_data["role"],
            )
        except ValidationError as error:
            forms.add_errors(form, error)
        else:
            messages.success(
                request,
                _("邀请短信已发送到 %(phone)s，对方用这个手机号登录后即可加入。")
                % {"phone": invitation.phone},
            )
            return redirect("vendordesk:staff")
    members = (
        VendorStaff.objects.filter(vendor=vendor).select_related("user").order_by("role", "pk")
    )
    invitations = VendorInvitation.objects.filter(
        vendor=vendor, accepted_at__isnull=True, expires_at__gt=timezone.now()
    ).order_by("-created_at")
    return _page(
        request,
        "vendordesk/staff.html",
        vendor,
        title=_("员工"),
        members=members,
        invitations=invitations,
        form=form,
    )


@vendor_page
@require_POST
def staff_remove(request: HttpRequest, vendor, pk: int) -> HttpResponse:
    from backend.vendors import services as vendor_services
    from backend.vendors.models import VendorStaff

    member = VendorStaff.objects.filter(vendor=vendor, pk=pk).select_related("user").first()
    if member is None:
        raise Http404(_("没有找到这位员工。"))
    try:
        vendor_services.remove_staff(vendor=vendor, actor=request.user, user=member.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("已移除员工。"))
    return redirect("vendordesk:staff")


# --- sales and statements ---------------------------------------------------------------------


@vendor_page
@require_GET
def sales(request: HttpRequest, vendor) -> HttpResponse:
    from backend.settlement.selectors import sales_figures

    first, last = periods.month_bounds(request.GET.get("month"))
    return _page(
        request,
        "vendordesk/sales.html",
        vendor,
        title=_("销售数据"),
        month=first,
        previous=periods.previous_month(first),
        next=periods.next_month(first),
        figures=sales_figures(vendor, first, last, top=10),
    )


@vendor_page
@require_GET
def statements(request: HttpRequest, vendor) -> HttpResponse:
    from backend.settlement.selectors import statements_for

    return _page(
        request,
        "vendordesk/statements.html",
        vendor,
        title=_("对账单"),
        statements=list(statements_for(request.user)[:36]),
    )


def _statement(request, pk):
    from backend.settlement.selectors import statement_for

    found = statement_for(request.user, pk)
    if found is None:
        raise Http404(_("没有找到这张对账单。"))
    return found


@vendor_page
@require_GET
def statement(request: HttpRequest, vendor, pk: int) -> HttpResponse:
    found = _statement(request, pk)
    lines = list(found.lines.order_by("occurred_at", "pk"))
    return _page(
        request,
        "vendordesk/statement.html",
        vendor,
        title=_("对账单"),
        statement=found,
        lines=lines,
    )


@vendor_page
@require_GET
def statement_download(request: HttpRequest, vendor, pk: int, extension: str) -> HttpResponse:
    from backend.settlement import export

    if extension not in ("csv", "xlsx"):
        raise Http404
    found = _statement(request, pk)
    if extension == "csv":
        body, content_type = export.export_csv(found), "text/csv; charset=utf-8"
    else:
        body = export.export_xlsx(found)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{export.filename(found, extension)}"'
    return response


@vendor_page
@require_GET
def product(request: HttpRequest, vendor, pk: int) -> HttpResponse:
    from backend.listings.models import ReviewDecision

    found = selectors.product_of(vendor, pk)
    if found is None:
        raise Http404(_("没有找到这个商品。"))
    from backend.listings import services as listing_services
    from backend.listings.models import CHECKLIST_ITEMS, ChecklistResult, ListingState
    from backend.vendordesk.brand_views import licence_context

    selectors.with_badges(vendor, [found])
    listing = getattr(found, "listing", None)
    decisions = list(
        ReviewDecision.objects.filter(listing__product=found).select_related("revision")[:5]
    )
    for decision in decisions:
        # In the order of the reviewer's checklist, failures marked.
        checklist = decision.checklist or {}
        decision.checklist_rows = [  # type: ignore[attr-defined]
            (
                label,
                ChecklistResult(checklist[key]).label
                if checklist[key] in ChecklistResult.values
                else checklist[key],
                checklist[key] == ChecklistResult.FAIL,
            )
            for key, label in CHECKLIST_ITEMS
            if key in checklist
        ]
    state = listing.state if listing else ListingState.DRAFT
    # Suspended after a failed spot check (issue #14): back on sale only through a new review.
    can_submit = state in (
        ListingState.DRAFT,
        ListingState.REJECTED,
        ListingState.SUSPENDED,
    ) or bool(state == ListingState.APPROVED and listing and listing.has_pending_revision)
    missing = (
        [
            str(e.message)
            for e in listing_services.missing_documents(
                found, listing_services.product_badges(found)
            )
        ]
        if can_submit
        else []
    )
    revision = (
        listing.revisions.filter(status__in=["draft", "pending"]).first() if listing else None
    )
    return _page(
        request,
        "vendordesk/product.html",
        vendor,
        title=found.name,
        product=found,
        listing=listing,
        decisions=decisions,
        can_submit=can_submit,
        missing=missing,
        pending_photos=list(revision.media.all()) if revision else [],
        certificates=found.certificates.filter(vendor=vendor).order_by("kind", "-issued_on"),
        variants=found.variants.prefetch_related("channel_listings").order_by("sort_order", "sku"),
        **licence_context(found),
    )


@vendor_page
def product_create(request: HttpRequest, vendor) -> HttpResponse:
    from backend.listings import services as listing_services

    form = forms.ProductForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        vendor=vendor,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        variant = {
            "sku": data["sku"],
            "name": data["variant_name"],
            "price": data["price"],
            "weight_grams": data["weight_grams"],
        }
        if data["warehouse"] is not None:
            variant["stock"] = [{"warehouse": data["warehouse"], "quantity": data["quantity"] or 0}]
        try:
            # One transaction: a refused photo leaves no half-made product behind.
            with transaction.atomic():
                created = listing_services.create_vendor_product(
                    actor=request.user,
                    name=data["name"],
                    category=data["category"],
                    product_type=data["product_type"],
                    description=data["description"],
                    variants=[variant],
                    certifications=data.get("certifications") or [],
                )
                if data["image"] is not None:
                    listing_services.add_product_photo(
                        actor=request.user, product=created, image_file=data["image"]
                    )
        except ValidationError as error:
            forms.add_errors(form, error)
        else:
            messages.success(request, _("商品“%(name)s”已保存为草稿。") % {"name": created.name})
            return redirect("vendordesk:product", pk=created.pk)
    return _page(request, "vendordesk/product_form.html", vendor, title=_("新建商品"), form=form)


@vendor_page
def product_edit(request: HttpRequest, vendor, pk: int) -> HttpResponse:
    from backend.listings import services as listing_services

    found = selectors.product_of(vendor, pk)
    if found is None:
        raise Http404(_("没有找到这个商品。"))
    variants = list(found.variants.order_by("sort_order", "sku"))
    prices = listing_services.current_prices(found)
    initial = {
        "name": found.name,
        "category": found.category_id,
        "description": found.description_plaintext,
        "certifications": listing_services.product_badges(found),
        **{f"price_{v.pk}": prices.get(str(v.pk)) for v in variants},
    }
    form = forms.ProductEditForm(
        request.POST if request.method == "POST" else None, initial=initial, variants=variants
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        changed = set(form.changed_data)
        try:
            result = listing_services.update_vendor_product(
                actor=request.user,
                product=found,
                name=data["name"] if "name" in changed else None,
                description=data["description"] if "description" in changed else None,
                category=data["category"] if "category" in changed else None,
                certifications=data.get("certifications") if "certifications" in changed else None,
                prices={
                    variant.pk: data[name]
                    for variant, name in form.variant_fields
                    if name in changed
                },
            )
        except ValidationError as error:
            forms.add_errors(form, error)
        else:
            if result.pending:
                messages.info(
                    request,
                    _("修改已保存，提交审核并通过后生效；在此之前原内容继续在售。"),
                )
            else:
                messages.success(request, _("已保存。"))
            return redirect("vendordesk:product", pk=found.pk)
    return _page(
        request,
        "vendordesk/product_form.html",
        vendor,
        title=_("编辑商品"),
        form=form,
        product=found,
    )


def _product_action(request, vendor, pk: int, action) -> HttpResponse:
    """Run a listing service on the vendor's product; its refusal becomes a message."""
    found = selectors.product_of(vendor, pk)
    if found is None:
        raise Http404(_("没有找到这个商品。"))
    try:
        done = action(found)
    except ValidationError as error:
        if "NOT_FOUND" in forms.error_codes(error) and "product" in getattr(
            error, "error_dict", {}
        ):
            raise Http404(_("没有找到这个商品。")) from error
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, done)
    return redirect("vendordesk:product", pk=found.pk)


@vendor_page
@require_POST
def product_submit(request: HttpRequest, vendor, pk: int) -> HttpResponse:
    from backend.listings import services as listing_services

    def submit(product):
        listing_services.submit_for_review(actor=request.user, product=product)
        return _("已提交审核，县电商服务中心审核后会短信通知负责人。")

    return _product_action(request, vendor, pk, submit)


@vendor_page
@require_POST
def product_photo_remove(request: HttpRequest, vendor, pk: int, media_id: int) -> HttpResponse:
    from backend.listings import services as listing_services

    def remove(product):
        listing_services.remove_product_photo(
            actor=request.user, product=product, media_id=media_id
        )
        return _("图片已删除（已上架商品需审核通过后生效）。")

    return _product_action(request, vendor, pk, remove)


def _upload_page(request, vendor, pk: int, *, form_class, title, save, done) -> HttpResponse:
    """A multipart form about one of the vendor's products: `save(product, cleaned_data)` calls
    the listing service; its refusal goes next to the field it names."""
    found = selectors.product_of(vendor, pk)
    if found is None:
        raise Http404(_("没有找到这个商品。"))
    posted = request.method == "POST"
    form = form_class(request.POST if posted else None, request.FILES if posted else None)
    if posted and form.is_valid():
        try:
            save(found, form.cleaned_data)
        except ValidationError as error:
            forms.add_errors(form, error)
        else:
            messages.success(request, done)
            return redirect("vendordesk:product", pk=found.pk)
    return _page(
        request, "vendordesk/product_upload.html", vendor, title=title, form=form, product=found
    )


@vendor_page
def product_photos(request: HttpRequest, vendor, pk: int) -> HttpResponse:
    from backend.listings import services as listing_services

    return _upload_page(
        request,
        vendor,
        pk,
        form_class=forms.PhotoForm,
        title=_("添加照片"),
        save=lambda product, data: listing_services.add_product_photo(
            actor=request.user, product=product, image_file=data["image"]
        ),
        done=_("照片已添加。"),
    )


@vendor_page
def product_certificate(request: HttpRequest, vendor, pk: int) -> HttpResponse:
    from backend.listings import services as listing_services

    return _upload_page(
        request,
        vendor,
        pk,
        form_class=forms.CertificateForm,
        title=_("上传证书"),
        save=lambda product, data: listing_services.upload_certificate(
            actor=request.user, product=product, **data
        ),
        done=_("证书已上传。"),
    )
