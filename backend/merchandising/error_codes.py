"""Stable error codes of the merchandising mutations (home sections, campaigns, livestream
events, collection rules). Services raise `ValidationError(code=...)` with these values; the
API turns them into `MerchandisingErrorCode`."""

from django.db import models


class MerchandisingErrorCode(models.TextChoices):
    CANNOT_DELETE = "CANNOT_DELETE"
    DUPLICATED_INPUT_ITEM = "DUPLICATED_INPUT_ITEM"
    GRAPHQL_ERROR = "GRAPHQL_ERROR"
    INVALID = "INVALID"
    INVALID_DATES = "INVALID_DATES"
    INVALID_LINK = "INVALID_LINK"
    INVALID_PRICE = "INVALID_PRICE"
    INVALID_RULE = "INVALID_RULE"
    NOT_FOUND = "NOT_FOUND"
    OVERLAPPING_PRICE = "OVERLAPPING_PRICE"
    PRODUCT_NOT_IN_EVENT = "PRODUCT_NOT_IN_EVENT"
    REQUIRED = "REQUIRED"
    RULE_UNAVAILABLE = "RULE_UNAVAILABLE"
    UNIQUE = "UNIQUE"
