"""The poverty zone's part of `manage.py seed_catalog` (data in catalog_seed/poverty.yaml).

- the 「扶贫专区管理员」 group with MANAGE_POVERTY (county zone staff);
- fictional households (is_fictional, reference numbers DEMO-…) in the seeded weak villages,
  phones encrypted like real ones; village stories;
- certified products (approved for two years from seven months ago, numbers FP-…) and one
  application waiting in the queue;
- paid demo orders spread over the last months, their ledger written as the payment hook
  writes it (at the order's payment time), so the zone's counters and the reports show data;
- an agent-purchase inclusion record.

Idempotent: households by reference number, certifications only for products that have none,
orders by their key (kept in the order's customer note), so a rerun changes nothing.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path

from django.contrib.auth.models import Group
from django.contrib.auth.models import Permission as AuthPermission
from django.db import transaction
from django.utils import timezone

from backend.catalog.models import Product, ProductVariantChannelListing
from backend.catalog.seed import SeedReport
from backend.catalog.seed.loader import read_seed_yaml
from backend.core.crypto import encrypt
from backend.core.permissions import Permission
from backend.divisions.models import Village
from backend.order.models import (
    Order,
    OrderChargeStatus,
    OrderEvent,
    OrderEvents,
    OrderLine,
    OrderStatus,
)
from backend.poverty.ledger import record_payment
from backend.poverty.models import (
    Beneficiary,
    Certification,
    CertificationStatus,
    Household,
    HouseholdInclusion,
    VillageStory,
)
from backend.poverty.services import _next_number, mask_phone

GROUP_NAME = "扶贫专区管理员"
ORDER_NOTE = "扶贫专区示例订单 "


def _data(path) -> dict:
    return read_seed_yaml(path, "poverty.yaml")


def poverty_staff_group(report: SeedReport | None = None) -> Group:
    group, created = Group.objects.get_or_create(name=GROUP_NAME)
    permission = AuthPermission.objects.filter(
        content_type__app_label="poverty", codename=Permission.MANAGE_POVERTY.codename
    ).first()
    if permission is not None:
        group.permissions.add(permission)
    if report is not None:
        report.add("groups", "created" if created else "unchanged")
    return group


def _months_ago(months: int, now: datetime.datetime) -> datetime.datetime:
    return now - datetime.timedelta(days=30 * months + 3)


@transaction.atomic
def seed_poverty(*, path: Path | str | None = None) -> SeedReport:
    report = SeedReport()
    data = _data(path)
    poverty_staff_group(report)
    if not data:
        return report
    now = timezone.now()
    villages = {v.code: v for v in Village.objects.all()}
    households = _households(data.get("households") or [], villages, report)
    for row in data.get("village_stories") or []:
        village = villages.get(str(row["village"]))
        if village is None:
            continue
        _story, created = VillageStory.objects.get_or_create(
            village=village,
            defaults={"title": row["title"], "story": row["story"], "consent": row["consent"]},
        )
        report.add("village_stories", "created" if created else "unchanged")
    start = _months_ago(7, now)
    for row in data.get("certifications") or []:
        _certification(row, households, villages, start, report)
    for row in data.get("orders") or []:
        _order(row, _months_ago(row.get("months_ago", 0), now), report)
    for row in data.get("inclusions") or []:
        household = households.get(row["household"])
        if household is None:
            continue
        date = timezone.localtime(_months_ago(row.get("months_ago", 0), now)).date()
        _inclusion, created = HouseholdInclusion.objects.get_or_create(
            household=household, kind=row["kind"], date=date, defaults={"note": row.get("note", "")}
        )
        report.add("inclusions", "created" if created else "unchanged")
    return report


def _households(rows, villages, report) -> dict[str, Household]:
    found = {}
    for row in rows:
        village = villages.get(str(row["village"]))
        if village is None:
            continue
        household = Household.objects.filter(reference_number=row["reference"]).first()
        if household is None:
            phone = str(row.get("phone") or "")
            household = Household.objects.create(
                reference_number=row["reference"],
                village=village,
                head_name=row["head"],
                members=row.get("members", 1),
                phone_encrypted=encrypt(phone),
                phone_masked=mask_phone(phone),
                story_consent=bool(row.get("story_consent")),
                story=row.get("story", ""),
                is_fictional=True,
            )
            report.add("households", "created")
        else:
            report.add("households", "unchanged")
        if row.get("demo_photo") and household.is_fictional and not household.photo:
            # A generated placeholder, marked DEMO in the image itself; never a real photo.
            household.photo.save(f"demo-{household.pk}.png", demo_photo(), save=False)
            household.photo_consent = True
            household.save(update_fields=["photo", "photo_consent"])
            report.add("household_photos", "created")
        found[household.reference_number] = household
    return found


def demo_photo():
    """A placeholder story photo drawn with Pillow: a pond under a sky, crossed by
    "DEMO · FICTIONAL HOUSEHOLD" banners, so it cannot be taken for a real family's photo."""
    import io

    from django.core.files.base import ContentFile
    from PIL import Image, ImageDraw, ImageFont

    width, height = 640, 400
    image = Image.new("RGB", (width, height), (214, 234, 242))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 230, width, height), fill=(96, 146, 112))
    for index, x in enumerate(range(40, width, 90)):
        y = 270 + (index % 3) * 30
        draw.ellipse((x, y, x + 70, y + 36), fill=(60, 120, 80), outline=(40, 90, 60), width=2)
        draw.ellipse((x + 28, y - 26, x + 46, y + 4), fill=(236, 160, 180))
    draw.ellipse((500, 40, 570, 110), fill=(250, 214, 120))
    try:
        big = ImageFont.load_default(size=72)
        small = ImageFont.load_default(size=24)
    except (TypeError, OSError):  # Pillow without FreeType: the bitmap font
        big = small = ImageFont.load_default()
    draw.rectangle((0, 120, width, 220), fill=(180, 30, 40))
    draw.text((width // 2, 150), "DEMO", fill=(255, 255, 255), font=big, anchor="mm")
    draw.text(
        (width // 2, 200),
        "FICTIONAL HOUSEHOLD - DEMONSTRATION ONLY",
        fill=(255, 255, 255),
        font=small,
        anchor="mm",
    )
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return ContentFile(buffer.getvalue())


def _certification(row, households, villages, start, report) -> None:
    product = Product.objects.filter(slug=row["product"], vendor__isnull=False).first()
    if (
        product is None
        or product.vendor is None
        or Certification.objects.filter(product=product).exists()
    ):
        report.add("certifications", "unchanged")
        return
    requested = bool(row.get("requested"))
    certification = Certification.objects.create(
        product=product,
        vendor=product.vendor,
        mechanism=row["mechanism"],
        price_per_kg=Decimal(row["price_per_kg"]) if row.get("price_per_kg") else None,
        kg_per_unit=Decimal(row["kg_per_unit"]) if row.get("kg_per_unit") else None,
        wage_per_unit=Decimal(row["wage_per_unit"]) if row.get("wage_per_unit") else None,
        share_percent=Decimal(row["share_percent"]) if row.get("share_percent") else None,
        share_recipient=row.get("share_recipient", ""),
        village=villages.get(str(row.get("village", ""))),
        description=row.get("description", ""),
        zone_position=row.get("zone_position", 0),
        status=CertificationStatus.REQUESTED if requested else CertificationStatus.APPROVED,
        number=None if requested else _next_number(timezone.localtime(start).year),
        valid_from=None if requested else start,
        valid_until=None if requested else start + datetime.timedelta(days=730),
        decided_at=None if requested else start,
        created_at=start,
    )
    if certification.share_recipient == "village" and certification.village is not None:
        Beneficiary.objects.create(certification=certification, village=certification.village)
    for reference, weight in row.get("households") or []:
        household = households.get(reference)
        if household is not None:
            Beneficiary.objects.create(
                certification=certification, household=household, weight=weight
            )
    report.add("certifications", "created")


def _order(row, paid_at, report) -> None:
    note = f"{ORDER_NOTE}{row['key']}"
    if Order.objects.filter(customer_note=note).exists():
        report.add("orders", "unchanged")
        return
    products = {p.slug: p for p in Product.objects.filter(slug__in=[s for s, _q in row["lines"]])}
    listings = {}
    for slug, _quantity in row["lines"]:
        product = products.get(slug)
        listing = (
            ProductVariantChannelListing.objects.filter(variant__product=product)
            .select_related("variant", "channel")
            .order_by("variant__sort_order", "variant__pk")
            .first()
            if product
            else None
        )
        if listing is None:
            report.add("orders", "unchanged")
            return
        listings[slug] = listing
    channel = next(iter(listings.values())).channel
    order = Order.objects.create(
        channel=channel,
        created_at=paid_at,
        status=OrderStatus.FULFILLED,
        charge_status=OrderChargeStatus.FULL,
        user_email="poverty-demo@example.com",
        user_phone="17000009999",
        customer_note=note,
        payment_gateway="dummy",
        shipping_method_name="县内配送",
    )
    total = Decimal(0)
    for index, (slug, quantity) in enumerate(row["lines"]):
        listing = listings[slug]
        price = Decimal(listing.discounted_price_amount or listing.price_amount or 0)
        product = products[slug]
        line_total = price * quantity
        OrderLine.objects.create(
            order=order,
            variant=listing.variant,
            vendor=product.vendor,
            product_name=product.name,
            variant_name=listing.variant.name,
            product_sku=listing.variant.sku or "",
            vendor_name=product.vendor.name if product.vendor else "",
            quantity=quantity,
            quantity_fulfilled=quantity,
            unit_price_net_amount=price,
            unit_price_gross_amount=price,
            total_price_net_amount=line_total,
            total_price_gross_amount=line_total,
            undiscounted_unit_price_gross_amount=price,
            sort_order=index,
        )
        total += line_total
    order.subtotal_gross_amount = order.subtotal_net_amount = total
    order.total_gross_amount = order.total_net_amount = total
    order.undiscounted_total_gross_amount = total
    order.total_charged_amount = total
    order.save()
    OrderEvent.objects.create(
        order=order,
        type=OrderEvents.ORDER_FULLY_PAID,
        date=paid_at,
        parameters={"amount": str(total)},
    )
    record_payment(order, at=paid_at)
    report.add("orders", "created")
