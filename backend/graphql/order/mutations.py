"""Staff mutations of orders (Saleor names). Each needs MANAGE_ORDERS and calls one service."""

from __future__ import annotations

import graphene
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from backend.core.permissions import Permission
from backend.graphql.core.errors import error_type
from backend.graphql.core.ids import decode_uuid
from backend.graphql.core.mutations import BaseMutation
from backend.graphql.order.enums import OrderErrorCodeEnum
from backend.graphql.order.types import Fulfillment, Order, OrderEvent, OrderGrantedRefund
from backend.order import services
from backend.order.error_codes import OrderErrorCode
from backend.order.models import Order as OrderModel
from backend.order.models import OrderLine as OrderLineModel
from backend.order.models import OrderStatus
from backend.order.notifications import queue_notification
from backend.payment import services as payment_services
from backend.payment.error_codes import PaymentErrorCode

OrderError = error_type(
    "OrderError",
    OrderErrorCodeEnum,
    {
        "order_lines": graphene.List(
            graphene.NonNull(graphene.ID), description="Order lines the error concerns."
        )
    },
)
ORDERS = [Permission.MANAGE_ORDERS]


def get_order(global_id: str, *, field: str = "id") -> OrderModel:
    """The order a global ID names, or a NOT_FOUND error for `field`."""
    pk = decode_uuid(global_id, "Order", field=field)
    order = OrderModel.objects.filter(pk=pk).first()
    if order is None:
        raise ValidationError(
            {field: ValidationError(_("找不到该订单。"), code="NOT_FOUND")},
        )
    return order


class OrderCancel(BaseMutation):
    order = graphene.Field(Order)

    class Arguments:
        id = graphene.ID(required=True, description="ID of the order to cancel.")

    class Meta:
        permissions = ORDERS
        error_type_class = OrderError
        description = "Cancels an order nothing of which has shipped and releases its stock."

    @classmethod
    def perform_mutation(cls, root, info, id):
        order = get_order(id)
        return cls(order=services.cancel_order(order, user=info.context.user))


class OrderConfirm(BaseMutation):
    order = graphene.Field(Order)

    class Arguments:
        id = graphene.ID(required=True, description="ID of the order to confirm.")

    class Meta:
        permissions = ORDERS
        error_type_class = OrderError
        description = "Confirms an unconfirmed order."

    @classmethod
    def perform_mutation(cls, root, info, id):
        order = get_order(id)
        return cls(order=services.confirm_order(order, user=info.context.user))


class OrderAddNoteInput(graphene.InputObjectType):
    message = graphene.String(required=True, description="The note's text.")


class OrderNoteAdd(BaseMutation):
    order = graphene.Field(Order)
    event = graphene.Field(OrderEvent)

    class Arguments:
        order = graphene.ID(required=True, description="ID of the order.")
        input = OrderAddNoteInput(required=True)

    class Meta:
        permissions = ORDERS
        error_type_class = OrderError
        description = "Adds a note to the order's history."

    @classmethod
    def perform_mutation(cls, root, info, order, input):
        instance = get_order(order, field="order")
        event = services.add_note(instance, input["message"], user=info.context.user)
        return cls(order=instance, event=event)


class OrderFulfillStockInput(graphene.InputObjectType):
    quantity = graphene.Int(required=True)
    warehouse = graphene.ID(
        description="Accepted for Saleor clients; the stock leaves the warehouse that holds "
        "the order's allocation."
    )


class OrderFulfillLineInput(graphene.InputObjectType):
    order_line_id = graphene.ID(required=True)
    quantity = graphene.Int(description="Units to ship; or give them per warehouse in `stocks`.")
    stocks = graphene.List(graphene.NonNull(OrderFulfillStockInput))


class OrderFulfillInput(graphene.InputObjectType):
    lines = graphene.List(graphene.NonNull(OrderFulfillLineInput), required=True)
    notify_customer = graphene.Boolean(default_value=True)
    tracking_number = graphene.String()


def _line_quantities(lines_input) -> list[tuple[OrderLineModel, int]]:
    pks = [
        decode_uuid(item["order_line_id"], "OrderLine", field="orderLineId") for item in lines_input
    ]
    found = OrderLineModel.objects.in_bulk(pks)
    result = []
    for item, pk in zip(lines_input, pks, strict=True):
        line = found.get(pk)
        if line is None:
            raise ValidationError(
                _("找不到该订单行。"),
                code="NOT_FOUND",
                params={"field": "orderLineId", "order_lines": [item["order_line_id"]]},
            )
        quantity = item.get("quantity")
        if quantity is None:
            quantity = sum(stock["quantity"] for stock in item.get("stocks") or [])
        result.append((line, quantity))
    return result


class OrderFulfill(BaseMutation):
    order = graphene.Field(Order)
    fulfillments = graphene.List(graphene.NonNull(Fulfillment))

    class Arguments:
        order = graphene.ID(required=True, description="ID of the order to fulfil.")
        input = OrderFulfillInput(required=True)

    class Meta:
        permissions = ORDERS
        error_type_class = OrderError
        description = "Ships quantities of an order's lines in one fulfilment."

    @classmethod
    def perform_mutation(cls, root, info, order, input):
        instance = get_order(order, field="order")
        fulfillment = services.fulfill_order(
            instance,
            _line_quantities(input["lines"]),
            user=info.context.user,
            tracking_number=input.get("tracking_number") or "",
            notify_customer=input.get("notify_customer", True) is not False,
        )
        return cls(order=instance, fulfillments=[fulfillment])


class OrderGrantRefundCreateLineInput(graphene.InputObjectType):
    id = graphene.ID(required=True, description="ID of the order line.")
    quantity = graphene.Int(required=True, description="Units of the line to give back.")
    reason = graphene.String()


class OrderGrantRefundCreateInput(graphene.InputObjectType):
    amount = graphene.Decimal(
        description="Amount to give back, in yuan; without it, the named lines' paid amount."
    )
    reason = graphene.String()
    lines = graphene.List(
        graphene.NonNull(OrderGrantRefundCreateLineInput),
        description="Order lines given back (Saleor: OrderGrantRefundCreateLineInput).",
    )


class OrderGrantRefundCreate(BaseMutation):
    order = graphene.Field(Order)
    granted_refund = graphene.Field(OrderGrantedRefund)

    class Arguments:
        id = graphene.ID(required=True, description="ID of the order.")
        input = OrderGrantRefundCreateInput(required=True)

    class Meta:
        permissions = ORDERS
        error_type_class = OrderError
        description = "Records a refund staff granted (the money moves with orderRefund)."

    @classmethod
    def perform_mutation(cls, root, info, id, input):
        order = get_order(id)
        lines_input = input.get("lines") or []
        found = _line_quantities(
            [{"order_line_id": item["id"], "quantity": item["quantity"]} for item in lines_input]
        )
        lines = [
            (line, quantity, item.get("reason") or "")
            for (line, quantity), item in zip(found, lines_input, strict=True)
        ]
        granted = services.grant_refund(
            order,
            input.get("amount"),
            input.get("reason") or "",
            user=info.context.user,
            lines=lines,
        )
        return cls(order=order, granted_refund=granted)


# Payment codes in the order API's vocabulary (Saleor's OrderErrorCode has no payment-specific
# codes beyond these).
PAYMENT_CODES: dict[str, str | None] = {
    PaymentErrorCode.ALREADY_PAID: OrderErrorCode.ALREADY_PAID,
    PaymentErrorCode.AMOUNT_GREATER_THAN_AVAILABLE: OrderErrorCode.CANNOT_REFUND,
    PaymentErrorCode.INVALID_AMOUNT: OrderErrorCode.INVALID,
    PaymentErrorCode.GATEWAY_ERROR: OrderErrorCode.PAYMENT_ERROR,
    PaymentErrorCode.UNIQUE: OrderErrorCode.UNIQUE,
}


def _as_order_error(error: ValidationError) -> ValidationError:
    def convert(item: ValidationError) -> ValidationError:
        code = PAYMENT_CODES.get(item.code or "", item.code)
        return ValidationError(item.message, code=code, params=item.params)

    if hasattr(error, "error_dict"):
        return ValidationError(
            {field: [convert(item) for item in items] for field, items in error.error_dict.items()}
        )
    return ValidationError([convert(item) for item in error.error_list])


def _check_open(order: OrderModel) -> None:
    if order.status in (OrderStatus.CANCELED, OrderStatus.EXPIRED):
        raise ValidationError(
            _("订单已关闭（%(status)s）。") % {"status": OrderStatus(order.status).label},
            code=OrderErrorCode.NOT_EDITABLE,
        )


class OrderMarkAsPaid(BaseMutation):
    order = graphene.Field(Order)

    class Arguments:
        id = graphene.ID(required=True, description="ID of the order.")
        transaction_reference = graphene.String(
            description="Reference of the payment received (receipt or station slip number)."
        )

    class Meta:
        permissions = ORDERS
        error_type_class = OrderError
        description = "Records the outstanding amount as received outside the gateways."

    @classmethod
    def perform_mutation(cls, root, info, id, transaction_reference=None):
        order = get_order(id)
        reference = services.clean_text(
            transaction_reference, field="transaction_reference", limit=512
        )
        _check_open(order)
        try:
            payment_services.mark_order_paid(order, user=info.context.user, psp_reference=reference)
        except ValidationError as error:
            raise _as_order_error(error) from error
        order.refresh_from_db()
        return cls(order=order)


class OrderRefund(BaseMutation):
    order = graphene.Field(Order)

    class Arguments:
        id = graphene.ID(required=True, description="ID of the order.")
        amount = graphene.Decimal(required=True, description="Amount to refund, in yuan.")
        reason = graphene.String()

    class Meta:
        permissions = ORDERS
        error_type_class = OrderError
        description = "Refunds money through the gateways that took it, newest payment first."

    @classmethod
    def perform_mutation(cls, root, info, id, amount, reason=None):
        order = get_order(id)
        amount = services.parse_amount(amount)
        reason = services.clean_text(reason, field="reason", limit=services.REASON_MAX_LENGTH)
        try:
            payment_services.refund_order(order, amount, user=info.context.user, reason=reason)
        except ValidationError as error:
            raise _as_order_error(error) from error
        order.refresh_from_db()
        queue_notification(order, "refunded")
        return cls(order=order)


class OrderMutations(graphene.ObjectType):
    order_cancel = OrderCancel.Field()
    order_confirm = OrderConfirm.Field()
    order_note_add = OrderNoteAdd.Field()
    order_fulfill = OrderFulfill.Field()
    order_grant_refund_create = OrderGrantRefundCreate.Field()
    order_mark_as_paid = OrderMarkAsPaid.Field()
    order_refund = OrderRefund.Field()
