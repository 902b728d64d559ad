"""GraphQL types of orders, with Saleor's names and fields.

Who sees an order: staff with MANAGE_ORDERS see every order, a shopper their own, and whoever
holds an order's UUID (its token, as in Saleor's `orderByToken`) that one order. The history
(events) and granted refunds are for order managers only, as in Saleor.
"""

from __future__ import annotations

import copy
import uuid
from decimal import Decimal

import graphene
from graphene_django import DjangoObjectType
from graphql_relay import to_global_id

from backend.core.money import Money as MoneyValue
from backend.core.money import TaxedMoney as TaxedMoneyValue
from backend.core.money import quantize_fen
from backend.core.permissions import Permission
from backend.graphql.account.address_types import Address
from backend.graphql.account.types import User
from backend.graphql.catalog import dataloaders as catalog_loaders
from backend.graphql.catalog.types import Image, Product, ProductVariant, ThumbnailFormatEnum
from backend.graphql.channel.types import Channel
from backend.graphql.core.connection import CountableConnection
from backend.graphql.core.dataloaders import load
from backend.graphql.core.errors import PermissionDenied
from backend.graphql.core.money import Money, TaxedMoney, Weight
from backend.graphql.order import dataloaders as loaders
from backend.graphql.order.enums import (
    FulfillmentStatusEnum,
    OrderChargeStatusEnum,
    OrderEventsEnum,
    OrderStatusEnum,
)
from backend.graphql.payment.types import TransactionItem
from backend.graphql.routing.dataloaders import ShipmentsByOrderIdLoader
from backend.graphql.routing.types import Shipment
from backend.order import models
from backend.order.selectors import can_manage_orders, orders_visible_to


def _require_manage_orders(info) -> None:
    if not can_manage_orders(info.context.user):
        raise PermissionDenied([Permission.MANAGE_ORDERS])


def _money(amount: Decimal, currency: str) -> MoneyValue:
    return MoneyValue(Decimal(amount), currency)


def _taxed(net: Decimal, gross: Decimal, currency: str) -> TaxedMoneyValue:
    return TaxedMoneyValue(net=_money(net, currency), gross=_money(gross, currency))


def _uuid(value) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def _masked(order: models.Order) -> bool:
    """Set by `orderByToken` when the token holder is neither the owner nor an order manager:
    the token shows the order, not the shopper's personal data (as Saleor obfuscates it)."""
    return getattr(order, "_masked", False)


def mask_text(value: str, keep_start: int = 1, keep_end: int = 0) -> str:
    """王小明 → 王**; 13912345678 (keep 3 and 4) → 139****5678."""
    if not value:
        return value
    if len(value) <= keep_start + keep_end:
        return value[:1] + "*" * (len(value) - 1)
    end = value[len(value) - keep_end :] if keep_end else ""
    return value[:keep_start] + "*" * (len(value) - keep_start - keep_end) + end


def mask_email(value: str) -> str:
    local, _at, domain = value.partition("@")
    return f"{mask_text(local)}@{domain}" if domain else mask_text(value)


def mask_phone(value: str) -> str:
    return mask_text(value, keep_start=len(value) - 8, keep_end=4) if len(value) > 8 else value


def _vendor_share(order: models.Order) -> tuple[Decimal, Decimal] | None:
    """Set by the vendor-scoped `orders`/`order` (net, gross of the vendor's own lines): a
    vendor's staff see their share of an order, never what the shopper bought elsewhere or
    paid in total."""
    return getattr(order, "_vendor_share", None)


def _masked_address(address):
    masked = copy.copy(address)
    masked.full_name = mask_text(address.full_name)
    masked.phone = mask_phone(address.phone)
    masked.street_address = mask_text(address.street_address, keep_start=0)
    return masked


class OrderEvent(DjangoObjectType):
    date = graphene.DateTime(required=True)
    type = graphene.Field(OrderEventsEnum, required=True)
    user = graphene.Field(User, description="The staff member or shopper who caused the event.")
    message = graphene.String(description="The note's text, for NOTE_ADDED events.")
    amount = graphene.Float(description="The amount, for payment and refund events.")
    quantity = graphene.Int(description="Units of stock released, for ALLOCATION_RELEASED.")
    reason = graphene.String(description="Why a refund was granted.")
    tracking_number = graphene.String()
    fulfillment_order = graphene.Int(description="Number of the fulfilment within the order.")
    notification_kind = graphene.String(
        description="Which notification was sent (placed, paid, canceled, fulfilled, refunded)."
    )
    notification_channels = graphene.List(
        graphene.NonNull(graphene.String), description="How it was sent: sms, email."
    )

    class Meta:
        model = models.OrderEvent
        interfaces = (graphene.relay.Node,)
        fields = ("id",)
        description = "One entry of an order's history."

    @staticmethod
    def resolve_type(root: models.OrderEvent, info):
        return str(root.type)

    @staticmethod
    def resolve_user(root: models.OrderEvent, info):
        return load(info, loaders.UserByEventLoader, root.user_id) if root.user_id else None

    @staticmethod
    def resolve_message(root: models.OrderEvent, info):
        return root.parameters.get("message")

    @staticmethod
    def resolve_amount(root: models.OrderEvent, info):
        amount = root.parameters.get("amount")
        return float(quantize_fen(Decimal(amount))) if amount is not None else None

    @staticmethod
    def resolve_quantity(root: models.OrderEvent, info):
        return root.parameters.get("quantity")

    @staticmethod
    def resolve_reason(root: models.OrderEvent, info):
        return root.parameters.get("reason")

    @staticmethod
    def resolve_tracking_number(root: models.OrderEvent, info):
        return root.parameters.get("tracking_number")

    @staticmethod
    def resolve_fulfillment_order(root: models.OrderEvent, info):
        return root.parameters.get("fulfillment")

    @staticmethod
    def resolve_notification_kind(root: models.OrderEvent, info):
        return root.parameters.get("kind")

    @staticmethod
    def resolve_notification_channels(root: models.OrderEvent, info):
        return root.parameters.get("channels")

    @classmethod
    def get_node(cls, info, id):
        if not can_manage_orders(info.context.user):
            return None
        return models.OrderEvent.objects.filter(pk=id).first() if str(id).isdigit() else None


class OrderLine(DjangoObjectType):
    product_sku = graphene.String()
    quantity_to_fulfill = graphene.Int(required=True, description="Units not yet shipped.")
    unit_price = graphene.Field(TaxedMoney, required=True)
    undiscounted_unit_price = graphene.Field(TaxedMoney, required=True)
    total_price = graphene.Field(TaxedMoney, required=True)
    tax_rate = graphene.Float(required=True)
    variant = graphene.Field(
        ProductVariant, description="The variant bought; null once it has been deleted."
    )
    thumbnail = graphene.Field(
        Image, size=graphene.Int(), format=graphene.Argument(ThumbnailFormatEnum)
    )

    class Meta:
        model = models.OrderLine
        interfaces = (graphene.relay.Node,)
        fields = (
            "id",
            "product_name",
            "variant_name",
            "vendor_name",
            "is_shipping_required",
            "quantity",
            "quantity_fulfilled",
        )

    @staticmethod
    def resolve_product_sku(root: models.OrderLine, info):
        return root.product_sku or None

    @staticmethod
    def resolve_quantity_to_fulfill(root: models.OrderLine, info):
        return root.quantity_unfulfilled

    @staticmethod
    def resolve_unit_price(root: models.OrderLine, info):
        return _taxed(root.unit_price_net_amount, root.unit_price_gross_amount, root.currency)

    @staticmethod
    def resolve_undiscounted_unit_price(root: models.OrderLine, info):
        gross = quantize_fen(root.undiscounted_unit_price_gross_amount)
        net = quantize_fen(gross / (Decimal(1) + root.tax_rate))
        return _taxed(net, gross, root.currency)

    @staticmethod
    def resolve_total_price(root: models.OrderLine, info):
        return _taxed(root.total_price_net_amount, root.total_price_gross_amount, root.currency)

    @staticmethod
    def resolve_tax_rate(root: models.OrderLine, info):
        return float(root.tax_rate)

    @staticmethod
    def resolve_variant(root: models.OrderLine, info):
        if root.variant_id is None:
            return None
        return load(info, loaders.VariantByOrderLineLoader, root.variant_id)

    @staticmethod
    def resolve_thumbnail(root: models.OrderLine, info, size=256, format=None):
        if root.variant_id is None:
            return None
        variant = load(info, loaders.VariantByOrderLineLoader, root.variant_id)
        if variant is None:
            return None
        product = load(info, catalog_loaders.ProductByIdLoader, variant.product_id)
        return Product.resolve_thumbnail(product, info, size=size, format=format)

    @classmethod
    def get_node(cls, info, id):
        pk = _uuid(id)
        if pk is None:
            return None
        return models.OrderLine.objects.filter(
            pk=pk, order__in=orders_visible_to(info.context.user)
        ).first()


class FulfillmentLine(DjangoObjectType):
    order_line = graphene.Field(OrderLine)

    class Meta:
        model = models.FulfillmentLine
        interfaces = (graphene.relay.Node,)
        fields = ("id", "quantity")

    @staticmethod
    def resolve_order_line(root: models.FulfillmentLine, info):
        return load(info, loaders.OrderLineByFulfillmentLineLoader, root.order_line_id)

    @classmethod
    def get_node(cls, info, id):
        return None  # reached through its fulfilment only


class Fulfillment(DjangoObjectType):
    status = graphene.Field(FulfillmentStatusEnum, required=True)
    created = graphene.DateTime(required=True)
    lines = graphene.List(graphene.NonNull(FulfillmentLine))

    class Meta:
        model = models.Fulfillment
        interfaces = (graphene.relay.Node,)
        fields = ("id", "fulfillment_order", "tracking_number")

    @staticmethod
    def resolve_status(root: models.Fulfillment, info):
        return str(root.status)

    @staticmethod
    def resolve_created(root: models.Fulfillment, info):
        return root.created_at

    @staticmethod
    def resolve_lines(root: models.Fulfillment, info):
        return load(info, loaders.LinesByFulfillmentIdLoader, root.pk)

    @classmethod
    def get_node(cls, info, id):
        if not str(id).isdigit():
            return None
        return models.Fulfillment.objects.filter(
            pk=id, order__in=orders_visible_to(info.context.user)
        ).first()


class OrderGrantedRefundLine(graphene.ObjectType):
    id = graphene.ID(required=True)
    order_line = graphene.Field("backend.graphql.order.types.OrderLine", required=True)
    quantity = graphene.Int(required=True, description="Units of the line given back.")
    reason = graphene.String()
    amount = graphene.Field(Money, required=True, description="What those units were paid.")

    class Meta:
        description = "An order line a granted refund gives back (Saleor: OrderGrantedRefundLine)."

    @staticmethod
    def resolve_id(root: models.OrderGrantedRefundLine, info):
        return to_global_id("OrderGrantedRefundLine", root.pk)

    @staticmethod
    def resolve_amount(root: models.OrderGrantedRefundLine, info):
        return _money(root.amount_value, root.order_line.currency)


class OrderGrantedRefund(DjangoObjectType):
    created_at = graphene.DateTime(required=True)
    amount = graphene.Field(Money, required=True)
    reason = graphene.String()
    created_by = graphene.Field(User)
    lines = graphene.List(
        graphene.NonNull(OrderGrantedRefundLine), description="The order lines given back."
    )

    class Meta:
        model = models.OrderGrantedRefund
        interfaces = (graphene.relay.Node,)
        fields = ("id",)

    @staticmethod
    def resolve_amount(root: models.OrderGrantedRefund, info):
        return _money(root.amount_value, root.currency)

    @staticmethod
    def resolve_created_by(root: models.OrderGrantedRefund, info):
        if root.user_id is None:
            return None
        return load(info, loaders.UserByGrantedRefundLoader, root.user_id)

    @staticmethod
    def resolve_lines(root: models.OrderGrantedRefund, info):
        return list(root.lines.select_related("order_line"))

    @classmethod
    def get_node(cls, info, id):
        if not can_manage_orders(info.context.user) or not str(id).isdigit():
            return None
        return models.OrderGrantedRefund.objects.filter(pk=id).first()


class PaymentChargeStatusEnum(graphene.Enum):
    NOT_CHARGED = "NOT_CHARGED"
    PARTIALLY_CHARGED = "PARTIALLY_CHARGED"
    FULLY_CHARGED = "FULLY_CHARGED"
    PARTIALLY_REFUNDED = "PARTIALLY_REFUNDED"
    FULLY_REFUNDED = "FULLY_REFUNDED"


class OrderVoucher(graphene.ObjectType):
    """The promo code an order used (the voucher's settings are for discount managers)."""

    code = graphene.String(required=True)


class Order(DjangoObjectType):
    number = graphene.String(required=True)
    status_display = graphene.String(
        required=True, description="The status in the request's language."
    )
    payment_status = graphene.Field(
        PaymentChargeStatusEnum, required=True, description="Saleor's payment summary."
    )
    authorize_status = graphene.Field(
        "backend.graphql.payment.statuses.OrderAuthorizeStatusEnum",
        required=True,
        description="FULL when authorized plus charged covers the total (payments here are "
        "charged at once).",
    )
    total_captured = graphene.Field(
        Money, required=True, description="Saleor's name for `totalCharged`."
    )
    delivery_method = graphene.Field(
        "backend.graphql.checkout.types.ShippingMethod",
        description="The delivery method chosen, as it was when the order was placed (name and "
        "price); null for orders without delivery.",
    )
    voucher = graphene.Field(OrderVoucher, description="The promo code used, if any.")
    created = graphene.DateTime(required=True)
    updated_at = graphene.DateTime(required=True)
    status = graphene.Field(OrderStatusEnum, required=True)
    charge_status = graphene.Field(OrderChargeStatusEnum, required=True)
    is_paid = graphene.Boolean(required=True)
    can_finalize = graphene.Boolean(required=True)
    channel = graphene.Field(Channel, required=True)
    user = graphene.Field(User)
    user_email = graphene.String()
    user_phone = graphene.String(description="Mobile number the shopper gave at checkout.")
    language_code = graphene.String(required=True)
    lines = graphene.List(graphene.NonNull(OrderLine), required=True)
    events = graphene.List(
        graphene.NonNull(OrderEvent), description="The order's history. Requires MANAGE_ORDERS."
    )
    fulfillments = graphene.List(graphene.NonNull(Fulfillment), required=True)
    granted_refunds = graphene.List(
        graphene.NonNull(OrderGrantedRefund),
        description="Refunds staff granted. Requires MANAGE_ORDERS.",
    )
    transactions = graphene.List(
        graphene.NonNull(TransactionItem), required=True, description="Payments of the order."
    )
    shipping_address = graphene.Field(Address, description="The order's copy of the address.")
    billing_address = graphene.Field(Address)
    shipping_method_name = graphene.String()
    delivery_method_id = graphene.String(description="Id of the delivery method chosen.")
    shipping_price = graphene.Field(
        TaxedMoney, required=True, description="Zero for a vendor's staff (not their money)."
    )
    subtotal = graphene.Field(
        TaxedMoney, required=True, description="For a vendor's staff: their own lines only."
    )
    total = graphene.Field(
        TaxedMoney, required=True, description="For a vendor's staff: their own lines only."
    )
    undiscounted_total = graphene.Field(
        Money,
        description="The total at list prices, before any discount; null for a vendor's staff.",
    )
    discounts = graphene.List(
        graphene.NonNull("backend.graphql.discount.types.OrderDiscount"),
        required=True,
        description="Promotions, vouchers and flash sales applied, with who funds each; empty "
        "for a vendor's staff.",
    )
    voucher_code = graphene.String(description="The promo code used, if any.")
    total_charged = graphene.Field(
        Money, required=True, description="Zero for a vendor's staff (payments are not theirs)."
    )
    total_refunded = graphene.Field(Money, required=True, description="Zero for vendor staff.")
    total_granted_refund = graphene.Field(
        Money, required=True, description="Zero for vendor staff."
    )
    total_balance = graphene.Field(
        Money,
        required=True,
        description="Charged minus refunded minus the order's total. Zero for vendor staff.",
    )
    payment_gateway = graphene.String()
    pay_by = graphene.DateTime(description="Unpaid online orders are closed after this.")
    weight = graphene.Field(Weight)
    customer_note = graphene.String(required=True)
    shipments = graphene.List(
        graphene.NonNull(Shipment),
        required=True,
        description="The order's parcels through the station network (issue #4).",
    )

    class Meta:
        model = models.Order
        interfaces = (graphene.relay.Node,)
        fields = ("id",)
        description = "An order: what was bought, at which price, and what happened since."

    @staticmethod
    def resolve_number(root: models.Order, info):
        return str(root.number)

    @staticmethod
    def resolve_created(root: models.Order, info):
        return root.created_at

    @staticmethod
    def resolve_status(root: models.Order, info):
        # A service may leave a TextChoices member on the instance; the enum wants its value.
        return str(root.status)

    @staticmethod
    def resolve_charge_status(root: models.Order, info):
        return str(root.charge_status)

    @staticmethod
    def resolve_is_paid(root: models.Order, info):
        return root.charge_status in (
            models.OrderChargeStatus.FULL,
            models.OrderChargeStatus.OVERCHARGED,
        )

    @staticmethod
    def resolve_can_finalize(root: models.Order, info):
        # Saleor: only draft orders can be not finalisable; this project has no drafts yet.
        return True

    @staticmethod
    def resolve_channel(root: models.Order, info):
        return load(info, loaders.ChannelByOrderLoader, root.channel_id)

    @staticmethod
    def resolve_user(root: models.Order, info):
        if root.user_id is None or _masked(root):
            return None
        return load(info, loaders.UserByOrderLoader, root.user_id)

    @staticmethod
    def resolve_user_email(root: models.Order, info):
        if not root.user_email:
            return None
        return mask_email(root.user_email) if _masked(root) else root.user_email

    @staticmethod
    def resolve_user_phone(root: models.Order, info):
        if not root.user_phone:
            return None
        return mask_phone(root.user_phone) if _masked(root) else root.user_phone

    @staticmethod
    def resolve_lines(root: models.Order, info):
        return load(info, loaders.LinesByOrderIdLoader, root.pk)

    @staticmethod
    def resolve_events(root: models.Order, info):
        _require_manage_orders(info)
        return load(info, loaders.EventsByOrderIdLoader, root.pk)

    @staticmethod
    def resolve_fulfillments(root: models.Order, info):
        return load(info, loaders.FulfillmentsByOrderIdLoader, root.pk)

    @staticmethod
    def resolve_granted_refunds(root: models.Order, info):
        _require_manage_orders(info)
        return load(info, loaders.GrantedRefundsByOrderIdLoader, root.pk)

    @staticmethod
    def resolve_transactions(root: models.Order, info):
        return load(info, loaders.TransactionsByOrderIdLoader, root.pk)

    @staticmethod
    def resolve_shipping_address(root: models.Order, info):
        if root.shipping_address_id is None:
            return None
        address = load(info, loaders.ShippingAddressByOrderLoader, root.shipping_address_id)
        return _masked_address(address) if address and _masked(root) else address

    @staticmethod
    def resolve_billing_address(root: models.Order, info):
        if root.billing_address_id is None:
            return None
        address = load(info, loaders.BillingAddressByOrderLoader, root.billing_address_id)
        return _masked_address(address) if address and _masked(root) else address

    @staticmethod
    def resolve_shipping_method_name(root: models.Order, info):
        return root.shipping_method_name or None

    @staticmethod
    def resolve_delivery_method_id(root: models.Order, info):
        return root.delivery_method_id or None

    @staticmethod
    def resolve_shipping_price(root: models.Order, info):
        if _vendor_share(root) is not None:
            return _taxed(Decimal(0), Decimal(0), root.currency)
        return _taxed(
            root.shipping_price_net_amount, root.shipping_price_gross_amount, root.currency
        )

    @staticmethod
    def resolve_subtotal(root: models.Order, info):
        share = _vendor_share(root)
        if share is not None:
            return _taxed(share[0], share[1], root.currency)
        return _taxed(root.subtotal_net_amount, root.subtotal_gross_amount, root.currency)

    @staticmethod
    def resolve_total(root: models.Order, info):
        share = _vendor_share(root)
        if share is not None:
            return _taxed(share[0], share[1], root.currency)
        return _taxed(root.total_net_amount, root.total_gross_amount, root.currency)

    @staticmethod
    def resolve_undiscounted_total(root: models.Order, info):
        if _vendor_share(root) is not None:
            return None
        # Orders placed before discounts existed stored no undiscounted total: their total.
        amount = root.undiscounted_total_gross_amount or root.total_gross_amount
        return MoneyValue(quantize_fen(amount), root.currency)

    @staticmethod
    def resolve_discounts(root: models.Order, info):
        from backend.graphql.discount.dataloaders import DiscountsByOrderLoader

        if _vendor_share(root) is not None:
            return []
        return load(info, DiscountsByOrderLoader, root.pk)

    @staticmethod
    def resolve_voucher_code(root: models.Order, info):
        return root.voucher_code or None

    @staticmethod
    def resolve_total_charged(root: models.Order, info):
        if _vendor_share(root) is not None:
            return _money(Decimal(0), root.currency)
        return _money(root.total_charged_amount, root.currency)

    @staticmethod
    def resolve_status_display(root: models.Order, info):
        return str(models.OrderStatus(root.status).label)

    @classmethod
    def resolve_payment_status(cls, root: models.Order, info):
        charged = cls.resolve_total_charged(root, info).amount
        refunded = cls.resolve_total_refunded(root, info).amount
        if charged > 0 and refunded >= charged:
            return "FULLY_REFUNDED"
        if refunded > 0:
            return "PARTIALLY_REFUNDED"
        status = str(root.charge_status)
        if status in (models.OrderChargeStatus.FULL, models.OrderChargeStatus.OVERCHARGED):
            return "FULLY_CHARGED"
        return "PARTIALLY_CHARGED" if status == models.OrderChargeStatus.PARTIAL else "NOT_CHARGED"

    @staticmethod
    def resolve_authorize_status(root: models.Order, info):
        from backend.graphql.payment.statuses import authorize_status

        transactions = list(root.payment_transactions.all())
        return authorize_status(transactions, root.total_gross_amount)

    resolve_total_captured = resolve_total_charged

    @staticmethod
    def resolve_delivery_method(root: models.Order, info):
        from backend.checkout.delivery import DeliveryMethod

        if not root.delivery_method_id:
            return None
        price = _money(root.shipping_price_gross_amount, root.currency)
        return DeliveryMethod(
            id=root.delivery_method_id, name=root.shipping_method_name, price=price
        )

    @staticmethod
    def resolve_voucher(root: models.Order, info):
        return OrderVoucher(code=root.voucher_code) if root.voucher_code else None

    @staticmethod
    def resolve_total_refunded(root: models.Order, info):
        if _vendor_share(root) is not None:
            return _money(Decimal(0), root.currency)
        return _money(root.total_refunded_amount, root.currency)

    @staticmethod
    def resolve_total_granted_refund(root: models.Order, info):
        refunds = load(info, loaders.GrantedRefundsByOrderIdLoader, root.pk)
        return _money(sum((r.amount_value for r in refunds), Decimal(0)), root.currency)

    @staticmethod
    def resolve_total_balance(root: models.Order, info):
        if _vendor_share(root) is not None:
            return _money(Decimal(0), root.currency)
        balance = root.total_charged_amount - root.total_refunded_amount - root.total_gross_amount
        return _money(balance, root.currency)

    @staticmethod
    def resolve_payment_gateway(root: models.Order, info):
        return root.payment_gateway or None

    @staticmethod
    def resolve_weight(root: models.Order, info):
        return Weight.from_grams(root.weight_grams)

    @staticmethod
    def resolve_shipments(root: models.Order, info):
        return load(info, ShipmentsByOrderIdLoader, root.pk)

    @classmethod
    def get_node(cls, info, id):
        pk = _uuid(id)
        if pk is None:
            return None
        return orders_visible_to(info.context.user).filter(pk=pk).first()


class OrderCountableConnection(CountableConnection):
    class Meta:
        node = Order
