"""What the vendor workspace reads. Every function takes the vendor (from
`backend.vendors.scoping.require_vendor`) and reads only that vendor's rows."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, F, Q, QuerySet

from backend.inventory.models import Stock, Warehouse
from backend.order.models import OrderLine, OrderStatus
from backend.routing.models import Shipment, ShipmentLeg, ShipmentLine, ShipmentStatus
from backend.vendordesk.models import PackingStatus, VendorParcel
from backend.vendors.models import Vendor

# Stock at or under this many units is "low" on the home page and the stock page.
LOW_STOCK = 5
# How many parcels the orders page lists (the packing bench's view, not a report).
LIST_LIMIT = 100


def warehouses_of(vendor: Vendor) -> QuerySet[Warehouse]:
    return Warehouse.objects.filter(vendor=vendor).order_by("name", "pk")


def stocks_of(vendor: Vendor) -> QuerySet[Stock]:
    return (
        Stock.objects.filter(warehouse__vendor=vendor)
        .select_related("warehouse", "product_variant__product")
        .order_by("warehouse__name", "product_variant__product__name", "product_variant__sku")
    )


def low_stock(vendor: Vendor) -> QuerySet[Stock]:
    return stocks_of(vendor).filter(quantity__lte=F("quantity_allocated") + LOW_STOCK)


def parcels_to_pack(vendor: Vendor) -> QuerySet[Shipment]:
    """Parcels of live orders that leave from the vendor's warehouses and are still there
    (planned: the station has not scanned them out yet)."""
    return (
        Shipment.objects.filter(source_warehouse__vendor=vendor, status=ShipmentStatus.PLANNED)
        .exclude(order__status__in=[OrderStatus.CANCELED, OrderStatus.EXPIRED])
        .select_related("order", "source_warehouse", "destination_station__town")
        .order_by("created_at", "pk")
    )


def shipped_parcels(vendor: Vendor) -> QuerySet[Shipment]:
    return (
        Shipment.objects.filter(source_warehouse__vendor=vendor)
        .exclude(status__in=[ShipmentStatus.PLANNED, ShipmentStatus.HELD])
        .select_related("order", "destination_station__town")
        .order_by("-updated_at", "-pk")
    )


def parcel_of(vendor: Vendor, pk) -> Shipment | None:
    return (
        Shipment.objects.filter(pk=pk, source_warehouse__vendor=vendor)
        .select_related("order", "source_warehouse", "destination_station__town")
        .first()
    )


@dataclass
class ParcelRow:
    """A parcel as the vendor's staff see it: only their lines, the destination station and
    town, never the shopper's name, phone or address."""

    shipment: Shipment
    lines: list[tuple[OrderLine, int]] = field(default_factory=list)
    packing: VendorParcel | None = None
    first_station: object = None

    @property
    def status(self) -> str:
        return self.packing.status if self.packing else ""

    @property
    def is_handed_over(self) -> bool:
        return self.status == PackingStatus.HANDED_OVER


def parcel_rows(vendor: Vendor, shipments) -> list[ParcelRow]:
    """The rows of the orders page and the packing list in a fixed number of statements."""
    shipments = list(shipments)
    ids = [s.pk for s in shipments]
    lines = defaultdict(list)
    for item in (
        ShipmentLine.objects.filter(shipment_id__in=ids, order_line__vendor=vendor)
        .select_related("order_line")
        .order_by("order_line__sort_order", "pk")
    ):
        lines[item.shipment_id].append((item.order_line, item.quantity))
    packing = {p.shipment_id: p for p in VendorParcel.objects.filter(shipment_id__in=ids)}
    first = {}
    for leg in (
        ShipmentLeg.objects.filter(shipment_id__in=ids, sequence=1)
        .select_related("from_station")
        .order_by()
    ):
        first[leg.shipment_id] = leg.from_station
    return [
        ParcelRow(
            shipment=s,
            lines=lines.get(s.pk, []),
            packing=packing.get(s.pk),
            first_station=first.get(s.pk),
        )
        for s in shipments
    ]


def to_pack_counts(vendor: Vendor) -> dict[str, int]:
    counts = parcels_to_pack(vendor).aggregate(
        total=Count("pk"),
        packed=Count("pk", filter=Q(vendor_packing__status=PackingStatus.PACKED)),
        handed_over=Count("pk", filter=Q(vendor_packing__status=PackingStatus.HANDED_OVER)),
    )
    return {
        "to_pack": counts["total"] - counts["packed"] - counts["handed_over"],
        "packed": counts["packed"],
        "handed_over": counts["handed_over"],
    }


def products_of(vendor: Vendor, *, state: str = ""):
    from backend.catalog.models import Product

    products = (
        Product.objects.filter(vendor=vendor)
        .select_related("listing", "product_type")
        .prefetch_related("media")
        .order_by("-updated_at", "pk")
    )
    if state:
        products = products.filter(listing__state=state)
    return products


def product_of(vendor: Vendor, pk):
    return products_of(vendor).filter(pk=pk).first()


def with_badges(vendor: Vendor, products: list) -> list:
    """Each product with `badges`: the names of the certification badges its valid
    certificates unlock (one query for the page)."""
    from backend.listings.models import CertificateKind, CertificateStatus, ProductCertificate

    found: dict[int, list[str]] = defaultdict(list)
    for certificate in ProductCertificate.objects.filter(
        vendor=vendor,
        product__in=[p.pk for p in products],
        status=CertificateStatus.VALID,
    ).exclude(badge=""):
        label = str(CertificateKind(certificate.kind).label)
        if label not in found[certificate.product_id]:
            found[certificate.product_id].append(label)
    for product in products:
        product.badges = found.get(product.pk, [])
    return products
