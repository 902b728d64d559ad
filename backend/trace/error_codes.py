"""Codes of the errors trace services raise; the GraphQL TraceErrorCode is built from it."""

from django.db import models


class TraceErrorCode(models.TextChoices):
    GRAPHQL_ERROR = "GRAPHQL_ERROR"
    INVALID = "INVALID"
    NOT_FOUND = "NOT_FOUND"
    REQUIRED = "REQUIRED"
    UNIQUE = "UNIQUE"
    PERMISSION_DENIED = "PERMISSION_DENIED"
    NOT_VENDOR_STAFF = "NOT_VENDOR_STAFF"
    INVALID_DATE = "INVALID_DATE"
    INVALID_QUANTITY = "INVALID_QUANTITY"
    BATCH_BLOCKED = "BATCH_BLOCKED"
    ALREADY_RECALLED = "ALREADY_RECALLED"
    INVALID_STATUS = "INVALID_STATUS"
