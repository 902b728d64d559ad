"""State changes of warehouses and stock. Stock changes lock the row they change and leave an
audit record with the quantities before and after (DESIGN.md: audit)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from backend.catalog.models import ProductVariant
from backend.core import audit
from backend.core.services import apply_fields, full_save, unique_slug
from backend.inventory.models import Stock, Warehouse

WAREHOUSE_FIELDS = (
    "name",
    "email",
    "company_name",
    "street_address",
    "town",
    "city_area",
    "city",
    "country_area",
    "postal_code",
    "country",
    "phone",
    "is_private",
    "click_and_collect_option",
    "is_cold_chain",
    "vendor",
)


@transaction.atomic
def save_warehouse(*, warehouse: Warehouse | None, data: dict) -> Warehouse:
    warehouse = warehouse or Warehouse()
    apply_fields(warehouse, data, WAREHOUSE_FIELDS)
    if data.get("slug"):
        warehouse.slug = data["slug"]
    elif not warehouse.slug:
        warehouse.slug = unique_slug(Warehouse, warehouse.name, exclude_pk=warehouse.pk)
    full_save(warehouse)
    if "channels" in data:
        warehouse.channels.set(data["channels"])
    return warehouse


def _check_unique_warehouses(stocks: list[dict]) -> None:
    ids = [item["warehouse"].pk for item in stocks]
    if len(ids) != len(set(ids)):
        raise ValidationError(
            {"stocks": ValidationError(_("同一仓库不能重复出现。"), code="DUPLICATED_INPUT_ITEM")}
        )


@transaction.atomic
def set_stocks(
    *, variant: ProductVariant, stocks: list[dict], actor, create_only: bool = False
) -> list[Stock]:
    """Set the quantity held in each warehouse; never below what orders have allocated."""
    _check_unique_warehouses(stocks)
    changed = []
    for item in stocks:
        warehouse, quantity = item["warehouse"], item["quantity"]
        if quantity is None or quantity < 0:
            raise ValidationError(
                {"quantity": ValidationError(_("库存数量不能为负数。"), code="INVALID")}
            )
        stock = (
            Stock.objects.select_for_update()
            .filter(warehouse=warehouse, product_variant=variant)
            .first()
        )
        if stock is not None and create_only:
            raise ValidationError(
                {
                    "warehouse": ValidationError(
                        _("仓库“%(name)s”已有该规格的库存。") % {"name": warehouse.name},
                        code="ALREADY_EXISTS",
                    )
                }
            )
        before = None
        if stock is None:
            stock = Stock(warehouse=warehouse, product_variant=variant, quantity=0)
        else:
            before = {"quantity": stock.quantity, "quantity_allocated": stock.quantity_allocated}
        if quantity < stock.quantity_allocated:
            raise ValidationError(
                {
                    "quantity": ValidationError(
                        _("库存不能少于已分配给订单的 %(allocated)d 件。")
                        % {"allocated": stock.quantity_allocated},
                        code="BELOW_ALLOCATED",
                    )
                }
            )
        stock.quantity = quantity
        stock.save()
        audit.record(
            actor=actor,
            action="stock.quantity_set",
            instance=stock,
            before=before,
            after={"quantity": stock.quantity, "quantity_allocated": stock.quantity_allocated},
        )
        changed.append(stock)
    return changed


@transaction.atomic
def delete_stocks(*, variant: ProductVariant, warehouses: list[Warehouse], actor) -> None:
    for stock in Stock.objects.select_for_update().filter(
        product_variant=variant, warehouse__in=warehouses
    ):
        if stock.quantity_allocated:
            raise ValidationError(
                {
                    "warehouse_ids": ValidationError(
                        _("已有订单分配的库存不能删除。"), code="BELOW_ALLOCATED"
                    )
                }
            )
        audit.record(
            actor=actor,
            action="stock.deleted",
            instance=stock,
            before={"quantity": stock.quantity},
            after=None,
        )
        stock.delete()
