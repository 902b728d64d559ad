from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class WarehouseClickAndCollectOption(models.TextChoices):
    DISABLED = "disabled", _("不支持自提")
    LOCAL_STOCK = "local", _("仅本仓库存可自提")
    ALL_WAREHOUSES = "all", _("全部仓库存可自提")


class Warehouse(models.Model):
    """A place that holds stock: the county distribution centre or a producer's store."""

    name = models.CharField(_("名称"), max_length=250)
    slug = models.SlugField(_("标识"), max_length=255, unique=True, allow_unicode=True)
    email = models.EmailField(_("电子邮箱"), blank=True)
    company_name = models.CharField(_("单位名称"), max_length=256, blank=True)
    street_address = models.CharField(_("详细地址"), max_length=256, blank=True)
    town = models.CharField(_("乡镇/街道"), max_length=128, blank=True)
    city_area = models.CharField(_("区县"), max_length=128, blank=True)
    city = models.CharField(_("城市"), max_length=128, blank=True)
    country_area = models.CharField(_("省份"), max_length=128, blank=True)
    postal_code = models.CharField(_("邮编"), max_length=20, blank=True)
    country = models.CharField(_("国家"), max_length=2, default="CN")
    phone = models.CharField(_("电话"), max_length=32, blank=True)
    is_private = models.BooleanField(_("私有"), default=True)
    click_and_collect_option = models.CharField(
        _("自提选项"),
        max_length=16,
        choices=WarehouseClickAndCollectOption.choices,
        default=WarehouseClickAndCollectOption.DISABLED,
    )
    is_cold_chain = models.BooleanField(_("冷链"), default=False)
    vendor = models.ForeignKey(
        "vendors.Vendor",
        verbose_name=_("商家"),
        null=True,
        blank=True,
        related_name="warehouses",
        on_delete=models.PROTECT,
    )
    channels = models.ManyToManyField("channel.Channel", related_name="warehouses", blank=True)

    class Meta:
        verbose_name = _("仓库")
        verbose_name_plural = _("仓库")
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.name


class Stock(models.Model):
    warehouse = models.ForeignKey(Warehouse, related_name="stocks", on_delete=models.CASCADE)
    product_variant = models.ForeignKey(
        "catalog.ProductVariant", related_name="stocks", on_delete=models.CASCADE
    )
    quantity = models.IntegerField(_("库存数量"), default=0)
    quantity_allocated = models.IntegerField(_("已分配数量"), default=0)

    class Meta:
        verbose_name = _("库存")
        verbose_name_plural = _("库存")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["warehouse", "product_variant"], name="stock_warehouse_variant_unique"
            ),
            models.CheckConstraint(
                condition=Q(quantity__gte=0), name="stock_quantity_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(quantity_allocated__gte=0) & Q(quantity_allocated__lte=F("quantity")),
                name="stock_allocation_within_quantity",
            ),
        ]

    def __str__(self) -> str:
        # Shown on the dashboard's change, delete and history pages of a stock row.
        sku = self.product_variant.sku if self.product_variant_id else "?"
        warehouse = self.warehouse.name if self.warehouse_id else "?"
        return f"{sku} @ {warehouse}"

    @property
    def quantity_available(self) -> int:
        return max(self.quantity - self.quantity_allocated, 0)


class Allocation(models.Model):
    """Stock held for an order line until it is fulfilled or the order is cancelled."""

    order_line = models.ForeignKey(
        "order.OrderLine", related_name="allocations", on_delete=models.CASCADE
    )
    stock = models.ForeignKey(Stock, related_name="allocations", on_delete=models.CASCADE)
    quantity_allocated = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["order_line", "stock"], name="allocation_unique")
        ]

    def __str__(self) -> str:
        return f"{self.stock_id}: {self.quantity_allocated}"


class Reservation(models.Model):
    """A short hold on stock while a shopper pays (CHECKOUT_RESERVATION_MINUTES)."""

    checkout_line = models.ForeignKey(
        "checkout.CheckoutLine", related_name="reservations", on_delete=models.CASCADE
    )
    stock = models.ForeignKey(Stock, related_name="reservations", on_delete=models.CASCADE)
    quantity_reserved = models.PositiveIntegerField(default=0)
    reserved_until = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["checkout_line", "stock"], name="reservation_unique")
        ]

    def __str__(self) -> str:
        return f"{self.stock_id}: {self.quantity_reserved} until {self.reserved_until:%H:%M}"
