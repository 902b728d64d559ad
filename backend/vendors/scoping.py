"""Who may act for which vendor: the one place vendor scoping is decided.

Every vendor-facing service, GraphQL resolver and page asks these functions; none of them
filters by vendor on its own. Staff of a vendor see and change only that vendor's products,
stock, order lines and statements; county staff with `vendors.manage_vendors` review vendors
and listings. Objects of another vendor are reported as not found, never as forbidden, so IDs
cannot be probed.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from backend.core.permissions import Permission, has_permissions
from backend.vendors.models import Vendor, VendorRole, VendorStaff


def membership(user) -> VendorStaff | None:
    """The user's staff membership, or None (anonymous users and non-members)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if hasattr(user, "_vendor_membership_cache"):
        return user._vendor_membership_cache
    found = VendorStaff.objects.select_related("vendor").filter(user=user).first()
    user._vendor_membership_cache = found  # type: ignore[attr-defined]
    return found


def forget_membership(user) -> None:
    """Drop the membership cached on `user` after it changed (applied, joined, removed)."""
    if user is not None and hasattr(user, "_vendor_membership_cache"):
        del user._vendor_membership_cache


def vendor_of(user) -> Vendor | None:
    member = membership(user)
    return member.vendor if member else None


def is_owner(user, vendor: Vendor) -> bool:
    member = membership(user)
    return bool(member and member.vendor_id == vendor.pk and member.role == VendorRole.OWNER)


def can_manage_vendors(user) -> bool:
    """County service-centre staff: review applications and listings, mark statements paid."""
    return bool(getattr(user, "is_staff", False)) and has_permissions(
        user, [Permission.MANAGE_VENDORS]
    )


def require_vendor(user, *, owner: bool = False) -> Vendor:
    """The vendor the user works for; a typed error otherwise.

    `owner=True` also requires the owner role (inviting staff, bank details)."""
    member = membership(user)
    if member is None:
        raise ValidationError(_("您不是任何商家的员工。"), code="NOT_VENDOR_STAFF")
    if owner and member.role != VendorRole.OWNER:
        raise ValidationError(_("只有商家负责人可以这样做。"), code="OWNER_REQUIRED")
    return member.vendor


def scoped(queryset: QuerySet, user, *, field: str = "vendor") -> QuerySet:
    """Rows of `queryset` the user may see: their vendor's rows for vendor staff, every row for
    vendor managers, none for anyone else. `field` is the lookup to the vendor
    (e.g. "product__vendor" for variants; "pk" for the Vendor model itself)."""
    if can_manage_vendors(user):
        return queryset
    vendor = vendor_of(user)
    if vendor is None:
        return queryset.none()
    # "pk" scopes the vendors themselves: a vendor's staff see their own vendor only.
    return queryset.filter(**{field: vendor.pk if field in ("pk", "id") else vendor})
