"""Staff permissions, named as Saleor names them.

Each is a Django permission (app_label.codename) declared in a model's Meta, so it can be
granted through permission groups in the dashboard; the GraphQL `PermissionEnum` is generated
from this enum so a permission has one spelling everywhere.
"""

from django.db import models


class Permission(models.TextChoices):
    MANAGE_PRODUCTS = "catalog.manage_products", "Manage products"
    MANAGE_PRODUCT_TYPES_AND_ATTRIBUTES = (
        "catalog.manage_product_types_and_attributes",
        "Manage product types and attributes",
    )
    MANAGE_CHANNELS = "channel.manage_channels", "Manage channels"
    MANAGE_STAFF = "account.manage_staff", "Manage staff"
    MANAGE_ORDERS = "order.manage_orders", "Manage orders"
    MANAGE_STATIONS = "stations.manage_stations", "Manage stations"
    MANAGE_VENDORS = "vendors.manage_vendors", "Manage vendors and review their listings"
    # The brand managers' job (issue #11): licences, merchandising, promotions and vouchers.
    MANAGE_BRAND = "brand.manage_brand", "Manage the public brand and its licences"
    MANAGE_DISCOUNTS = "discount.manage_discounts", "Manage promotions and vouchers"
    MANAGE_MERCHANDISING = (
        "merchandising.manage_merchandising",
        "Manage home-page sections, campaigns and livestream events",
    )
    # County staff of the poverty-alleviation zone (issue #12): registry, certification, reports.
    MANAGE_POVERTY = "poverty.manage_poverty", "Manage the poverty-alleviation registry and zone"
    # Venues and their tourism vouchers (issue #13).
    MANAGE_TOURISM = "tourism.manage_tourism", "Manage venues and tourism vouchers"
    # Inspectors: batches, spot checks and recalls (issue #14).
    MANAGE_TRACEABILITY = (
        "trace.manage_traceability",
        "Manage traceability, spot checks and recalls",
    )

    @property
    def codename(self) -> str:
        return self.value.split(".", 1)[1]


def has_permissions(user, permissions) -> bool:
    """True when the user is active and holds every one of `permissions`."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return all(user.has_perm(permission.value) for permission in permissions)
