"""Payment mutations with Saleor's names and shapes: paymentGatewayInitialize,
transactionInitialize and transactionProcess. A checkout's ID is the capability to pay it; a
checkout that belongs to an account is paid by that account only (checked in the services)."""

from __future__ import annotations

import json

import graphene
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from graphene.types.generic import GenericScalar

from backend.checkout.models import Checkout as CheckoutModel
from backend.core.permissions import Permission
from backend.graphql.catalog.enums import enum_from_choices
from backend.graphql.core.errors import error_type
from backend.graphql.core.ids import decode_id, decode_uuid
from backend.graphql.core.mutations import BaseMutation
from backend.graphql.core.scalars import PositiveDecimal
from backend.graphql.payment.statuses import TransactionFlowStrategyEnum
from backend.graphql.payment.types import TransactionEvent, TransactionItem
from backend.payment import services
from backend.payment.error_codes import PaymentErrorCode
from backend.payment.models import TransactionItem as TransactionItemModel


class JSON(GenericScalar):
    """Any JSON value (Saleor's `JSON` scalar); a JSON text in a string is read as its value."""


TransactionInitializeErrorCode = enum_from_choices(
    "TransactionInitializeErrorCode", PaymentErrorCode
)
TransactionProcessErrorCode = enum_from_choices("TransactionProcessErrorCode", PaymentErrorCode)
PaymentGatewayInitializeErrorCode = enum_from_choices(
    "PaymentGatewayInitializeErrorCode", PaymentErrorCode
)
PaymentGatewayConfigErrorCode = enum_from_choices("PaymentGatewayConfigErrorCode", PaymentErrorCode)
TransactionInitializeError = error_type(
    "TransactionInitializeError", TransactionInitializeErrorCode
)
TransactionProcessError = error_type("TransactionProcessError", TransactionProcessErrorCode)
TransactionRequestRefundForGrantedRefundErrorCode = enum_from_choices(
    "TransactionRequestRefundForGrantedRefundErrorCode", PaymentErrorCode
)
TransactionRequestRefundForGrantedRefundError = error_type(
    "TransactionRequestRefundForGrantedRefundError",
    TransactionRequestRefundForGrantedRefundErrorCode,
)
PaymentGatewayInitializeError = error_type(
    "PaymentGatewayInitializeError", PaymentGatewayInitializeErrorCode
)
PaymentGatewayConfigError = error_type("PaymentGatewayConfigError", PaymentGatewayConfigErrorCode)


def _data(value, field: str = "data") -> dict:
    if value is None:
        return {}
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError as error:
            raise ValidationError(
                {field: ValidationError(_("不是有效的 JSON。"), code=PaymentErrorCode.INVALID)}
            ) from error
    if not isinstance(value, dict):
        raise ValidationError(
            {field: ValidationError(_("应为 JSON 对象。"), code=PaymentErrorCode.INVALID)}
        )
    return value


def _checkout(global_id: str) -> CheckoutModel:
    token = decode_uuid(global_id, "Checkout")
    checkout = CheckoutModel.objects.select_related("channel").filter(pk=token).first()
    if checkout is None:
        raise ValidationError(
            {"id": ValidationError(_("购物车不存在。"), code=PaymentErrorCode.NOT_FOUND)}
        )
    return checkout


def _transaction(global_id: str) -> TransactionItemModel:
    token = decode_uuid(global_id, "TransactionItem")
    item = TransactionItemModel.objects.filter(token=token).first()
    if item is None:
        raise ValidationError(
            {"id": ValidationError(_("找不到这笔支付。"), code=PaymentErrorCode.NOT_FOUND)}
        )
    return item


class PaymentGatewayToInitialize(graphene.InputObjectType):
    id = graphene.String(required=True, description="The gateway's id, e.g. `stripe`.")
    data = JSON(description='Data for the gateway, e.g. `{"paymentMethodType": "alipay"}`.')


class PaymentGatewayConfig(graphene.ObjectType):
    id = graphene.String(required=True)
    data = JSON()
    errors = graphene.List(graphene.NonNull(PaymentGatewayConfigError))


class PaymentGatewayInitialize(BaseMutation):
    gateway_configs = graphene.List(graphene.NonNull(PaymentGatewayConfig))

    class Arguments:
        id = graphene.ID(required=True, description="The checkout's ID.")
        amount = PositiveDecimal(description="The amount to pay; the checkout's total.")
        payment_gateways = graphene.List(graphene.NonNull(PaymentGatewayToInitialize))

    class Meta:
        description = "The public configuration of the checkout's payment gateways."
        error_type_class = PaymentGatewayInitializeError

    @classmethod
    def perform_mutation(cls, root, info, id, amount=None, payment_gateways=None):
        checkout = _checkout(id)
        requested = None
        if payment_gateways is not None:
            requested = [str(gateway["id"]) for gateway in payment_gateways]
        configs = services.initialize_payment_gateways(
            checkout=checkout, gateway_ids=requested, amount=amount, user=info.context.user
        )
        return cls(
            gateway_configs=[
                PaymentGatewayConfig(
                    id=config.id,
                    data=config.data,
                    errors=[]
                    if config.error is None
                    else [
                        {
                            "field": "paymentGateways",
                            "message": config.error.message,
                            "code": PaymentErrorCode(config.error.code).value,
                        }
                    ],
                )
                for config in configs
            ]
        )


class TransactionInitialize(BaseMutation):
    transaction = graphene.Field(TransactionItem)
    transaction_event = graphene.Field(TransactionEvent)
    data = JSON(description="What the storefront needs next, e.g. Stripe's `client_secret`.")

    class Arguments:
        id = graphene.ID(required=True, description="The checkout's ID.")
        payment_gateway = PaymentGatewayToInitialize(required=True)
        amount = PositiveDecimal(description="The amount to pay: the checkout's total.")
        idempotency_key = graphene.String(
            description="A retry with the same key returns the same transaction."
        )
        action = graphene.Argument(
            TransactionFlowStrategyEnum,
            description="CHARGE (the default). The gateways here take the money at once, so "
            "AUTHORIZATION is refused with an INVALID error.",
        )

    class Meta:
        description = "Starts paying a checkout with one gateway."
        error_type_class = TransactionInitializeError

    @classmethod
    def perform_mutation(
        cls, root, info, id, payment_gateway, amount=None, idempotency_key=None, action=None
    ):
        if getattr(action, "value", action) == "AUTHORIZATION":
            raise ValidationError(
                {
                    "action": ValidationError(
                        _("本站的支付方式只支持直接扣款，不支持预授权。"),
                        code=PaymentErrorCode.INVALID,
                    )
                }
            )
        checkout = _checkout(id)
        step = services.initialize_transaction(
            checkout=checkout,
            gateway_id=str(payment_gateway["id"]),
            amount=amount,
            data=_data(payment_gateway.get("data"), "paymentGateway"),
            idempotency_key=idempotency_key or "",
            user=info.context.user,
        )
        return cls(transaction=step.transaction, transaction_event=step.event, data=step.data)


class TransactionProcess(BaseMutation):
    transaction = graphene.Field(TransactionItem)
    transaction_event = graphene.Field(TransactionEvent)
    data = JSON()

    class Arguments:
        id = graphene.ID(required=True, description="The transaction's ID.")
        data = JSON(description="Data for the gateway.")

    class Meta:
        description = "Asks the gateway where a payment stands and records it."
        error_type_class = TransactionProcessError

    @classmethod
    def perform_mutation(cls, root, info, id, data=None):
        item = _transaction(id)
        step = services.process_transaction(item, data=_data(data), user=info.context.user)
        return cls(transaction=step.transaction, transaction_event=step.event, data=step.data)


class TransactionRequestRefundForGrantedRefund(BaseMutation):
    transaction = graphene.Field(TransactionItem)

    class Arguments:
        granted_refund_id = graphene.ID(
            required=True, description="The granted refund (orderGrantRefundCreate) to send."
        )

    class Meta:
        description = (
            "Sends a granted refund back through the gateways that took the money, with its "
            "order lines (Alipay refund_goods_detail, WeChat Pay goods_detail), once."
        )
        permissions = [Permission.MANAGE_ORDERS]
        error_type_class = TransactionRequestRefundForGrantedRefundError

    @classmethod
    def perform_mutation(cls, root, info, granted_refund_id):
        from backend.order.models import OrderGrantedRefund

        pk = decode_id(granted_refund_id, "OrderGrantedRefund", field="grantedRefundId")
        granted = OrderGrantedRefund.objects.select_related("order").filter(pk=pk).first()
        if granted is None:
            raise ValidationError(
                {
                    "grantedRefundId": ValidationError(
                        _("找不到这笔已批准的退款。"), code=PaymentErrorCode.NOT_FOUND
                    )
                }
            )
        touched = services.refund_order(
            granted.order, None, user=info.context.user, granted_refund=granted
        )
        return cls(transaction=touched[0] if touched else None)


class PaymentMutations(graphene.ObjectType):
    payment_gateway_initialize = PaymentGatewayInitialize.Field()
    transaction_initialize = TransactionInitialize.Field()
    transaction_process = TransactionProcess.Field()
    transaction_request_refund_for_granted_refund = TransactionRequestRefundForGrantedRefund.Field()
