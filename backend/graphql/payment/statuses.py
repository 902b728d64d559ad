"""Saleor's charge and authorize statuses of a checkout or order, from its transactions.

FULL means the transactions cover the total; an amount charged also counts as authorized
(Saleor's rule: authorize status looks at authorized + charged).
"""

from __future__ import annotations

from decimal import Decimal

import graphene


class CheckoutChargeStatusEnum(graphene.Enum):
    NONE = "NONE"
    PARTIAL = "PARTIAL"
    FULL = "FULL"
    OVERCHARGED = "OVERCHARGED"


class CheckoutAuthorizeStatusEnum(graphene.Enum):
    NONE = "NONE"
    PARTIAL = "PARTIAL"
    FULL = "FULL"


class OrderAuthorizeStatusEnum(graphene.Enum):
    NONE = "NONE"
    PARTIAL = "PARTIAL"
    FULL = "FULL"


class TransactionFlowStrategyEnum(graphene.Enum):
    AUTHORIZATION = "AUTHORIZATION"
    CHARGE = "CHARGE"


class TransactionActionEnum(graphene.Enum):
    CHARGE = "CHARGE"
    REFUND = "REFUND"
    CANCEL = "CANCEL"


def _status(covered: Decimal, total: Decimal, *, over: bool) -> str:
    if covered <= 0:
        return "NONE"
    if covered < total:
        return "PARTIAL"
    if over and covered > total:
        return "OVERCHARGED"
    return "FULL"


def amounts(transactions) -> tuple[Decimal, Decimal]:
    """(charged, authorized) summed over the transactions."""
    charged = sum((t.charged_value for t in transactions), Decimal(0))
    authorized = sum((t.authorized_value for t in transactions), Decimal(0))
    return charged, authorized


def checkout_statuses(checkout, total: Decimal) -> tuple[str, str]:
    """(chargeStatus, authorizeStatus) of a checkout whose total is `total`."""
    charged, authorized = amounts(checkout.payment_transactions.all())
    return (
        _status(charged, total, over=True),
        _status(charged + authorized, total, over=False),
    )


def authorize_status(transactions, total: Decimal) -> str:
    charged, authorized = amounts(transactions)
    return _status(charged + authorized, total, over=False)


def transaction_actions(transaction) -> list[str]:
    """What staff can still do with a transaction: charge what is authorized, refund what is
    charged, cancel an authorization."""
    actions = []
    if transaction.authorized_value > 0:
        actions += ["CHARGE", "CANCEL"]
    if transaction.charged_value > 0:
        actions.append("REFUND")
    return actions
