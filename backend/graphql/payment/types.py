"""Payment types with Saleor's names: PaymentGateway, TransactionItem, TransactionEvent."""

from __future__ import annotations

import graphene
from graphql_relay import to_global_id

from backend.core.money import Money as MoneyValue
from backend.graphql.catalog.enums import enum_from_choices
from backend.graphql.core.money import Money
from backend.payment import transactions
from backend.payment.models import TransactionEvent as TransactionEventModel
from backend.payment.models import TransactionEventType
from backend.payment.models import TransactionItem as TransactionItemModel

TransactionEventTypeEnum = enum_from_choices(
    "TransactionEventTypeEnum", TransactionEventType, "What happened to a transaction."
)


class GatewayConfigLine(graphene.ObjectType):
    field = graphene.String(required=True, description="Name of the setting.")
    value = graphene.String(description="Its value.")


class PaymentGateway(graphene.ObjectType):
    """A way to pay a checkout (Saleor: PaymentGateway)."""

    id = graphene.ID(required=True, description="The gateway's id, e.g. `stripe`.")
    name = graphene.String(required=True)
    config = graphene.List(
        graphene.NonNull(GatewayConfigLine),
        required=True,
        description="Public settings the storefront needs, e.g. Stripe's publishable key.",
    )
    currencies = graphene.List(graphene.NonNull(graphene.String), required=True)

    @staticmethod
    def resolve_id(root, info):
        return root.id

    @staticmethod
    def resolve_name(root, info):
        return str(root.name)

    @staticmethod
    def resolve_config(root, info):
        return [GatewayConfigLine(field=field, value=value) for field, value in root.config()]

    @staticmethod
    def resolve_currencies(root, info):
        return list(root.currencies)


def _money(amount, currency: str) -> MoneyValue:
    return MoneyValue(amount, currency)


class TransactionEvent(graphene.ObjectType):
    id = graphene.ID(required=True)
    created_at = graphene.DateTime(required=True)
    psp_reference = graphene.String(required=True)
    message = graphene.String(required=True)
    amount = graphene.Field(Money, required=True)
    type = graphene.Field(TransactionEventTypeEnum)

    @staticmethod
    def resolve_id(root: TransactionEventModel, info):
        return to_global_id("TransactionEvent", str(root.pk))

    @staticmethod
    def resolve_amount(root: TransactionEventModel, info):
        return _money(root.amount_value, root.currency)


class TransactionItem(graphene.ObjectType):
    """One payment attempt with one gateway (Saleor: TransactionItem)."""

    id = graphene.ID(required=True)
    token = graphene.UUID(required=True)
    name = graphene.String(required=True)
    message = graphene.String(required=True)
    psp_reference = graphene.String(required=True)
    created_at = graphene.DateTime(required=True)
    modified_at = graphene.DateTime(required=True)
    authorized_amount = graphene.Field(Money, required=True)
    charged_amount = graphene.Field(Money, required=True)
    charge_pending_amount = graphene.Field(Money, required=True)
    refunded_amount = graphene.Field(Money, required=True)
    refund_pending_amount = graphene.Field(Money, required=True)
    canceled_amount = graphene.Field(Money, required=True)
    events = graphene.List(graphene.NonNull(TransactionEvent), required=True)
    actions = graphene.List(
        graphene.NonNull("backend.graphql.payment.statuses.TransactionActionEnum"),
        required=True,
        description="What can still be done with the transaction (charge, refund, cancel).",
    )

    @staticmethod
    def resolve_actions(root: TransactionItemModel, info):
        from backend.graphql.payment.statuses import transaction_actions

        return transaction_actions(root)

    @staticmethod
    def resolve_id(root: TransactionItemModel, info):
        return to_global_id("TransactionItem", str(root.token))

    @staticmethod
    def resolve_authorized_amount(root: TransactionItemModel, info):
        return _money(root.authorized_value, root.currency)

    @staticmethod
    def resolve_charged_amount(root: TransactionItemModel, info):
        return _money(root.charged_value, root.currency)

    @staticmethod
    def resolve_charge_pending_amount(root: TransactionItemModel, info):
        return _money(root.charge_pending_value, root.currency)

    @staticmethod
    def resolve_refunded_amount(root: TransactionItemModel, info):
        return _money(root.refunded_value, root.currency)

    @staticmethod
    def resolve_refund_pending_amount(root: TransactionItemModel, info):
        pending = transactions.amounts_from_events(root.events.all()).refund_pending
        return _money(pending, root.currency)

    @staticmethod
    def resolve_canceled_amount(root: TransactionItemModel, info):
        return _money(root.canceled_value, root.currency)

    @staticmethod
    def resolve_events(root: TransactionItemModel, info):
        return list(root.events.all())
