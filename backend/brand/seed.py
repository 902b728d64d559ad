"""The brand part of `manage.py seed_catalog`, run after the catalog and the listings' seed.

- the brand's logo and standards document from `catalog_seed/county.yaml` (`brand.logo`,
  `brand.standards_document`, paths relative to the seed directory); a file is stored again only
  when its content changed (the stored name carries a hash of the content);
- the 「品牌管理员」 permission group with whichever of MANAGE_BRAND, MANAGE_DISCOUNTS and
  MANAGE_MERCHANDISING exist in the database (each app declares its own), so it is complete once
  every app's migrations have run;
- sample licences: an ACTIVE licence, for a year from today (Asia/Shanghai), for every
  geographical-indication product (地理标志) whose certificates are valid, and a REQUESTED one for
  each product listed under `brand.licence_requested`.

Idempotent: a product that has any licence is left alone, so a rerun (or a licence a brand
manager has since suspended or revoked) changes nothing.
"""

from __future__ import annotations

import datetime
import hashlib
from pathlib import Path

import yaml
from django.contrib.auth.models import Group
from django.contrib.auth.models import Permission as AuthPermission
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from backend.brand.models import BrandLicence, LicenceStatus, PublicBrand
from backend.brand.services import _create, _record, certificate_problems
from backend.catalog.models import Product
from backend.catalog.seed import SeedReport
from backend.catalog.seed.loader import seed_dir
from backend.core.permissions import Permission
from backend.vendors.models import VendorRole, VendorStaff

GROUP_NAME = "品牌管理员"
GROUP_PERMISSIONS = (
    Permission.MANAGE_BRAND,
    Permission.MANAGE_DISCOUNTS,
    Permission.MANAGE_MERCHANDISING,
)
GEOGRAPHICAL_INDICATION = "geographical-indication"
LICENCE_DAYS = 365


def _brand_data(path: Path | str | None) -> dict:
    county = yaml.safe_load((seed_dir(path) / "county.yaml").read_text(encoding="utf-8"))
    return county.get("brand") or {}


@transaction.atomic
def seed_brand(*, path: Path | str | None = None) -> SeedReport:
    report = SeedReport()
    data = _brand_data(path)
    brand = PublicBrand.objects.filter(is_active=True).order_by("pk").first()
    if brand is not None:
        _brand_files(brand, data, seed_dir(path), report)
    brand_managers_group(report)
    _geographical_indication_licences(report)
    _requested_licences(data.get("licence_requested") or [], report)
    return report


def _brand_files(brand: PublicBrand, data: dict, root: Path, report: SeedReport) -> None:
    changed = []
    for field, key in (("logo", "logo"), ("standards_document", "standards_document")):
        relative = data.get(key)
        if not relative:
            continue
        content = (root / relative).read_bytes()
        digest = hashlib.sha256(content).hexdigest()[:12]
        source = Path(relative)
        name = f"{source.stem}-{digest}{source.suffix}"
        current = getattr(brand, field)
        if current and Path(current.name).name == name:
            continue
        getattr(brand, field).save(name, ContentFile(content), save=False)
        changed.append(field)
    if changed:
        brand.save(update_fields=[*changed, "updated_at"])
        report.add("brand_files", "updated", len(changed))
    else:
        report.add("brand_files", "unchanged")


def brand_managers_group(report: SeedReport | None = None) -> Group:
    """The 品牌管理员 group with the brand managers' permissions that exist by now."""
    group, created = Group.objects.get_or_create(name=GROUP_NAME)
    wanted = [
        found
        for permission in GROUP_PERMISSIONS
        if (
            found := AuthPermission.objects.filter(
                content_type__app_label=permission.value.split(".", 1)[0],
                codename=permission.codename,
            ).first()
        )
        is not None
    ]
    have = set(group.permissions.values_list("pk", flat=True))
    missing = [permission for permission in wanted if permission.pk not in have]
    if missing:
        group.permissions.add(*missing)
    if report is not None:
        report.add(
            "permission_groups", "created" if created else "updated" if missing else "unchanged"
        )
    return group


def _licence_window() -> tuple[datetime.datetime, datetime.datetime]:
    today = timezone.localdate()
    start = timezone.make_aware(datetime.datetime.combine(today, datetime.time.min))
    end = start + datetime.timedelta(days=LICENCE_DAYS)
    return start, timezone.make_aware(datetime.datetime.combine(end.date(), datetime.time.min))


def _geographical_indication_licences(report: SeedReport) -> None:
    products = (
        Product.objects.filter(
            vendor__isnull=False,
            attributevalues__value__attribute__slug="certification",
            attributevalues__value__slug=GEOGRAPHICAL_INDICATION,
            brand_licences__isnull=True,
        )
        .select_related("product_type", "vendor")
        .distinct()
        .order_by("pk")
    )
    start, end = _licence_window()
    now = timezone.now()
    created = skipped = 0
    for product in products:
        if certificate_problems(product):
            skipped += 1
            continue
        licence = _create(
            product=product,
            actor=None,
            status=LicenceStatus.ACTIVE,
            valid_from=start,
            valid_until=end,
            decided_at=now,
        )
        _record(licence, actor=None, action="granted", before=None)
        created += 1
    report.add("brand_licences", "created", created)
    report.add("brand_licences_skipped", "unchanged", skipped)
    report.add(
        "brand_licences",
        "unchanged",
        BrandLicence.objects.count() - created,
    )


def _requested_licences(slugs: list[str], report: SeedReport) -> None:
    for product in Product.objects.filter(
        slug__in=slugs, vendor__isnull=False, brand_licences__isnull=True
    ).order_by("pk"):
        owner = (
            VendorStaff.objects.filter(vendor=product.vendor, role=VendorRole.OWNER)
            .select_related("user")
            .first()
        )
        requested_by = owner.user if owner is not None else None
        licence = _create(
            product=product,
            actor=requested_by,
            status=LicenceStatus.REQUESTED,
            requested_by=requested_by,
        )
        _record(licence, actor=requested_by, action="requested", before=None)
        report.add("brand_licence_requests", "created")
