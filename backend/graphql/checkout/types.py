"""Checkout types with Saleor's names: Checkout, CheckoutLine, ShippingMethod, CheckoutProblem."""

from __future__ import annotations

import datetime as dt

import graphene
from graphql_relay import to_global_id

from backend.checkout.calculations import CheckoutInfo, LineInfo, load_checkout_info
from backend.checkout.delivery import DeliveryMethod
from backend.checkout.lines import checkout_problems
from backend.checkout.models import Checkout as CheckoutModel
from backend.graphql.catalog.types import ProductVariant, _with_channel
from backend.graphql.channel.types import Channel
from backend.graphql.core.money import Money, TaxedMoney, Weight
from backend.graphql.metadata.types import ObjectWithMetadata, ObjectWithMetadataFields


def checkout_info(checkout: CheckoutModel) -> CheckoutInfo:
    """Load the checkout's lines and prices once per request and share them between fields."""
    cached = getattr(checkout, "_checkout_info", None)
    if cached is None:
        cached = load_checkout_info(checkout)
        for line_info in cached.lines:
            _with_channel([line_info.variant, line_info.product], checkout.channel)
            line_info.line._line_info = line_info  # type: ignore[attr-defined]
        checkout._checkout_info = cached  # type: ignore[attr-defined]
    return cached


class ShippingMethod(graphene.ObjectType):
    """A delivery method offered for the checkout as it is now (Saleor: ShippingMethod)."""

    id = graphene.ID(
        required=True, description="Stable id, passed to checkoutDeliveryMethodUpdate."
    )
    name = graphene.String(required=True)
    description = graphene.String()
    price = graphene.Field(Money, required=True, description="Tax-inclusive price.")
    minimum_delivery_days = graphene.Int()
    maximum_delivery_days = graphene.Int()
    type = graphene.String(description="`shipping` or `collection_point`.")
    active = graphene.Boolean(required=True)
    collection_point = graphene.Field(
        "backend.graphql.stations.types.Station",
        description="For station pickup: the station where the order is collected.",
    )
    ready_date = graphene.Date(description="For station pickup: the promised ready date.")
    distance = graphene.Float(description="For station pickup: km from the shopper's village.")

    @staticmethod
    def resolve_type(root: DeliveryMethod, info):
        return root.kind

    @staticmethod
    def resolve_active(root: DeliveryMethod, info):
        return True

    @staticmethod
    def resolve_collection_point(root: DeliveryMethod, info):
        from backend.checkout.station_delivery import station_for_method

        return station_for_method(root.id)

    @staticmethod
    def resolve_ready_date(root: DeliveryMethod, info):
        ready = root.metadata.get("ready_date")
        return dt.date.fromisoformat(ready) if ready else None

    @staticmethod
    def resolve_distance(root: DeliveryMethod, info):
        return root.metadata.get("distance_km")


class CheckoutLine(graphene.ObjectType):
    id = graphene.ID(required=True)
    variant = graphene.Field(ProductVariant, required=True)
    quantity = graphene.Int(required=True)
    unit_price = graphene.Field(TaxedMoney, required=True)
    undiscounted_unit_price = graphene.Field(Money, required=True)
    total_price = graphene.Field(TaxedMoney, required=True)
    undiscounted_total_price = graphene.Field(
        Money, required=True, description="List price × quantity, before any discount."
    )
    requires_shipping = graphene.Boolean(required=True)

    @staticmethod
    def resolve_id(root: LineInfo, info):
        return to_global_id("CheckoutLine", str(root.line.pk))

    @staticmethod
    def resolve_variant(root: LineInfo, info):
        return root.variant

    @staticmethod
    def resolve_quantity(root: LineInfo, info):
        return root.line.quantity

    @staticmethod
    def resolve_unit_price(root: LineInfo, info):
        return root.unit_price or _zero_taxed(root)

    @staticmethod
    def resolve_undiscounted_unit_price(root: LineInfo, info):
        price = root.undiscounted_unit_price or _zero_taxed(root)
        return price.gross

    @staticmethod
    def resolve_total_price(root: LineInfo, info):
        return root.total_price or _zero_taxed(root)

    @staticmethod
    def resolve_undiscounted_total_price(root: LineInfo, info):
        return root.undiscounted_total_price or _zero_taxed(root).gross

    @staticmethod
    def resolve_requires_shipping(root: LineInfo, info):
        return root.is_shipping_required


def _zero_taxed(line_info: LineInfo):
    from backend.checkout.calculations import zero_taxed

    return zero_taxed(line_info.line.checkout.currency)


class CheckoutLineProblemInsufficientStock(graphene.ObjectType):
    available_quantity = graphene.Int()
    line = graphene.Field(CheckoutLine, required=True)
    variant = graphene.Field(ProductVariant, required=True)

    @staticmethod
    def resolve_line(root, info):
        return root.line._line_info

    @staticmethod
    def resolve_variant(root, info):
        return root.line._line_info.variant


class CheckoutLineProblemVariantNotAvailable(graphene.ObjectType):
    line = graphene.Field(CheckoutLine, required=True)

    @staticmethod
    def resolve_line(root, info):
        return root.line._line_info


class Delivery(graphene.ObjectType):
    """One delivery method offered for the checkout (Saleor: Delivery); its id is the one
    `checkoutDeliveryMethodUpdate(deliveryMethodId:)` takes."""

    id = graphene.ID(required=True)
    shipping_method = graphene.Field(ShippingMethod)

    @staticmethod
    def resolve_id(root: DeliveryMethod, info):
        return root.id

    @staticmethod
    def resolve_shipping_method(root: DeliveryMethod, info):
        return root


class CheckoutProblemDeliveryMethodInvalid(graphene.ObjectType):
    """The chosen delivery method is no longer offered (the address or the lines changed)."""

    delivery = graphene.Field(Delivery, description="Always null: the method is gone.")

    @staticmethod
    def resolve_delivery(root, info):
        return None


class CheckoutProblemDeliveryMethodStale(graphene.ObjectType):
    """Saleor: the delivery options need recalculating. Never reported here: the options are
    computed at each read, so they are never stale."""

    delivery = graphene.Field(Delivery)


class CheckoutProblem(graphene.Union):
    class Meta:
        types = (
            CheckoutLineProblemInsufficientStock,
            CheckoutLineProblemVariantNotAvailable,
            CheckoutProblemDeliveryMethodInvalid,
            CheckoutProblemDeliveryMethodStale,
        )

    @classmethod
    def resolve_type(cls, instance, info):
        if instance.kind == "delivery_method_invalid":
            return CheckoutProblemDeliveryMethodInvalid
        if instance.kind == "insufficient_stock":
            return CheckoutLineProblemInsufficientStock
        return CheckoutLineProblemVariantNotAvailable


class Checkout(ObjectWithMetadataFields, graphene.ObjectType):
    class Meta:
        interfaces = (ObjectWithMetadata,)

    id = graphene.ID(required=True)
    token = graphene.UUID(required=True)
    created = graphene.DateTime(required=True)
    last_change = graphene.DateTime(required=True)
    channel = graphene.Field(Channel, required=True)
    user = graphene.Field("backend.graphql.account.types.User")
    email = graphene.String()
    phone = graphene.String(description="Mobile number for order notifications.")
    customer_note = graphene.String(required=True)
    lines = graphene.List(graphene.NonNull(CheckoutLine), required=True)
    quantity = graphene.Int(required=True, description="Units in the cart.")
    is_shipping_required = graphene.Boolean(required=True)
    weight = graphene.Field(Weight)
    subtotal_price = graphene.Field(
        TaxedMoney,
        required=True,
        description="Lines after catalogue prices, the order promotion and an order or product "
        "voucher; delivery excluded.",
    )
    undiscounted_subtotal_price = graphene.Field(
        Money, required=True, description="Lines at list prices, before any discount."
    )
    discount = graphene.Field(
        Money, description="The order promotion (满减) and the voucher together."
    )
    discount_name = graphene.String(description="Names of the order promotion and voucher.")
    translated_discount_name = graphene.String(
        description="`discountName` in the request's language (names are entered in Chinese)."
    )
    voucher_code = graphene.String(description="The promo code entered, if any.")
    shipping_price = graphene.Field(TaxedMoney, required=True)
    total_price = graphene.Field(TaxedMoney, required=True)
    shipping_address = graphene.Field("backend.graphql.account.address_types.Address")
    billing_address = graphene.Field("backend.graphql.account.address_types.Address")
    shipping_methods = graphene.List(
        graphene.NonNull(ShippingMethod),
        required=True,
        description="Delivery methods offered for the current address and lines.",
    )
    available_shipping_methods = graphene.List(
        graphene.NonNull(ShippingMethod),
        required=True,
        deprecation_reason="Use `shippingMethods`.",
    )
    available_collection_points = graphene.List(
        graphene.NonNull("backend.graphql.stations.types.Station"),
        required=True,
        description="Stations where this cart can be collected (网订店取), nearest first.",
    )
    delivery_method = graphene.Field(ShippingMethod)
    shipping_method = graphene.Field(ShippingMethod)
    available_payment_gateways = graphene.List(
        graphene.NonNull("backend.graphql.payment.types.PaymentGateway"), required=True
    )
    transactions = graphene.List(graphene.NonNull("backend.graphql.payment.types.TransactionItem"))
    problems = graphene.List(graphene.NonNull(CheckoutProblem))
    delivery = graphene.Field(Delivery, description="The chosen delivery method, if offered.")
    gift_cards = graphene.List(
        graphene.NonNull("backend.graphql.discount.gift_cards.GiftCard"),
        required=True,
        description="Always empty: the marketplace sells no gift cards (promo codes are "
        "vouchers, see `voucherCode`).",
    )
    charge_status = graphene.Field(
        "backend.graphql.payment.statuses.CheckoutChargeStatusEnum",
        required=True,
        description="How much of the total the checkout's transactions have charged.",
    )
    authorize_status = graphene.Field(
        "backend.graphql.payment.statuses.CheckoutAuthorizeStatusEnum",
        required=True,
        description="How much of the total is authorized or charged.",
    )

    @staticmethod
    def resolve_id(root: CheckoutModel, info):
        return to_global_id("Checkout", str(root.pk))

    @staticmethod
    def resolve_token(root: CheckoutModel, info):
        return root.pk

    @staticmethod
    def resolve_created(root: CheckoutModel, info):
        return root.created_at

    @staticmethod
    def resolve_lines(root: CheckoutModel, info):
        return checkout_info(root).lines

    @staticmethod
    def resolve_quantity(root: CheckoutModel, info):
        return sum(li.line.quantity for li in checkout_info(root).lines)

    @staticmethod
    def resolve_is_shipping_required(root: CheckoutModel, info):
        return checkout_info(root).is_shipping_required

    @staticmethod
    def resolve_weight(root: CheckoutModel, info):
        return Weight.from_grams(checkout_info(root).weight_grams)

    @staticmethod
    def resolve_subtotal_price(root: CheckoutModel, info):
        from backend.graphql.discount.checkout import subtotal_after_discounts

        return subtotal_after_discounts(checkout_info(root))

    @staticmethod
    def resolve_undiscounted_subtotal_price(root: CheckoutModel, info):
        return checkout_info(root).undiscounted_subtotal()

    @staticmethod
    def resolve_discount(root: CheckoutModel, info):
        return checkout_info(root).discount()

    @staticmethod
    def resolve_discount_name(root: CheckoutModel, info):
        return checkout_info(root).discount_name() or None

    resolve_translated_discount_name = resolve_discount_name

    @staticmethod
    def resolve_voucher_code(root: CheckoutModel, info):
        return root.voucher_code or None

    @staticmethod
    def resolve_shipping_price(root: CheckoutModel, info):
        return checkout_info(root).shipping_price()

    @staticmethod
    def resolve_total_price(root: CheckoutModel, info):
        return checkout_info(root).total()

    @staticmethod
    def resolve_shipping_methods(root: CheckoutModel, info):
        return checkout_info(root).delivery_methods()

    resolve_available_shipping_methods = resolve_shipping_methods

    @staticmethod
    def resolve_available_collection_points(root: CheckoutModel, info):
        from backend.checkout.delivery import DeliveryKind
        from backend.stations.models import Station

        methods = [
            m
            for m in checkout_info(root).delivery_methods()
            if m.kind == DeliveryKind.COLLECTION_POINT
        ]
        codes = [m.metadata["station_code"] for m in methods]
        stations = {s.code: s for s in Station.objects.filter(code__in=codes)}
        points = []
        for method in methods:
            station = stations.get(method.metadata["station_code"])
            if station is not None:
                station.distance_km = method.metadata.get("distance_km")
                points.append(station)
        return points

    @staticmethod
    def resolve_delivery_method(root: CheckoutModel, info):
        return checkout_info(root).delivery_method()

    resolve_shipping_method = resolve_delivery_method

    @staticmethod
    def resolve_available_payment_gateways(root: CheckoutModel, info):
        from backend.payment.gateways import available_gateways

        return available_gateways(root.channel)

    @staticmethod
    def resolve_transactions(root: CheckoutModel, info):
        return list(root.payment_transactions.all())

    @staticmethod
    def resolve_problems(root: CheckoutModel, info):
        info_ = checkout_info(root)
        problems: list = list(checkout_problems(info_))
        chosen = root.delivery_method_id and info_.is_shipping_required
        if chosen and info_.delivery_method() is None:
            problems.append(_DeliveryProblem())
        return problems

    @staticmethod
    def resolve_delivery(root: CheckoutModel, info):
        return checkout_info(root).delivery_method()

    @staticmethod
    def resolve_gift_cards(root: CheckoutModel, info):
        return []

    @staticmethod
    def resolve_charge_status(root: CheckoutModel, info):
        from backend.graphql.payment.statuses import checkout_statuses

        return checkout_statuses(root, checkout_info(root).total().gross.amount)[0]

    @staticmethod
    def resolve_authorize_status(root: CheckoutModel, info):
        from backend.graphql.payment.statuses import checkout_statuses

        return checkout_statuses(root, checkout_info(root).total().gross.amount)[1]


class _DeliveryProblem:
    kind = "delivery_method_invalid"
