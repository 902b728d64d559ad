"""Stable error codes of payment services and mutations, as Saleor spells them where it has them
(TransactionInitializeErrorCode, TransactionProcessErrorCode, PaymentGatewayInitializeErrorCode);
the others name the payment rules of this project."""

from django.db import models


class PaymentErrorCode(models.TextChoices):
    """Codes the payment services raise; the mutations' enums are built from this list."""

    GRAPHQL_ERROR = "GRAPHQL_ERROR"
    INVALID = "INVALID"
    NOT_FOUND = "NOT_FOUND"
    REQUIRED = "REQUIRED"
    UNIQUE = "UNIQUE"
    PERMISSION_DENIED = "PERMISSION_DENIED"
    EMPTY_CHECKOUT = "EMPTY_CHECKOUT"
    AMOUNT_MISMATCH = "AMOUNT_MISMATCH"
    CURRENCY_MISMATCH = "CURRENCY_MISMATCH"
    CHECKOUT_ALREADY_PAID = "CHECKOUT_ALREADY_PAID"
    GATEWAY_NOT_AVAILABLE = "GATEWAY_NOT_AVAILABLE"
    GATEWAY_ERROR = "GATEWAY_ERROR"
    ALREADY_PAID = "ALREADY_PAID"
    AMOUNT_GREATER_THAN_AVAILABLE = "AMOUNT_GREATER_THAN_AVAILABLE"
    INVALID_AMOUNT = "INVALID_AMOUNT"
    REFUND_ALREADY_PROCESSED = "REFUND_ALREADY_PROCESSED"
