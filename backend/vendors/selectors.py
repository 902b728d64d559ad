"""Read queries of vendors: which vendors a user may see, and whose private details."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from backend.vendors import scoping
from backend.vendors.models import Vendor, VendorStatus


def vendors_visible_to(user) -> QuerySet[Vendor]:
    """Active vendors for everyone; also their own vendor (in any status) for its staff; every
    vendor for vendor managers."""
    vendors = Vendor.objects.all()
    if scoping.can_manage_vendors(user):
        return vendors
    own = scoping.vendor_of(user)
    condition = Q(status=VendorStatus.ACTIVE)
    if own is not None:
        condition |= Q(pk=own.pk)
    return vendors.filter(condition)


def can_see_private(user, vendor: Vendor) -> bool:
    """Legal details, bank account (masked), staff and documents: the vendor's own staff and
    vendor managers."""
    if scoping.can_manage_vendors(user):
        return True
    own = scoping.vendor_of(user)
    return own is not None and own.pk == vendor.pk


def search_vendors(vendors: QuerySet[Vendor], text: str) -> QuerySet[Vendor]:
    text = text.strip()
    if not text:
        return vendors
    return vendors.filter(
        Q(name__icontains=text)
        | Q(legal_name__icontains=text)
        | Q(slug__icontains=text)
        | Q(credit_code__iexact=text.upper())
        | Q(town__icontains=text)
        | Q(village__icontains=text)
        | Q(contact_phone__icontains=text)
    )
