"""Stable error codes of warehouse and stock mutations (Saleor names)."""

from django.db import models


class WarehouseErrorCode(models.TextChoices):
    ALREADY_EXISTS = "ALREADY_EXISTS"
    GRAPHQL_ERROR = "GRAPHQL_ERROR"
    INVALID = "INVALID"
    NOT_FOUND = "NOT_FOUND"
    REQUIRED = "REQUIRED"
    UNIQUE = "UNIQUE"
    CANNOT_DELETE = "CANNOT_DELETE"


class StockErrorCode(models.TextChoices):
    ALREADY_EXISTS = "ALREADY_EXISTS"
    GRAPHQL_ERROR = "GRAPHQL_ERROR"
    INVALID = "INVALID"
    NOT_FOUND = "NOT_FOUND"
    REQUIRED = "REQUIRED"
    UNIQUE = "UNIQUE"
    BELOW_ALLOCATED = "BELOW_ALLOCATED"
    DUPLICATED_INPUT_ITEM = "DUPLICATED_INPUT_ITEM"
