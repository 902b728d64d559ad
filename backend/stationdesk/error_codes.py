"""Codes of the errors the station desk raises; the GraphQL StationDeskErrorCode is built
from it, and the operator pages show the message next to the field."""

from django.db import models


class StationDeskErrorCode(models.TextChoices):
    GRAPHQL_ERROR = "GRAPHQL_ERROR"
    INVALID = "INVALID"
    REQUIRED = "REQUIRED"
    NOT_FOUND = "NOT_FOUND"
    PERMISSION_DENIED = "PERMISSION_DENIED"
    NOT_AT_STATION = "NOT_AT_STATION"
    WRONG_STATUS = "WRONG_STATUS"
    INVALID_PICKUP_CODE = "INVALID_PICKUP_CODE"
    TOO_MANY_ATTEMPTS = "TOO_MANY_ATTEMPTS"
    ALREADY_PICKED_UP = "ALREADY_PICKED_UP"
    NOT_PAID = "NOT_PAID"
    ALREADY_PAID = "ALREADY_PAID"
    AMOUNT_MISMATCH = "AMOUNT_MISMATCH"
    CAPABILITY_MISSING = "CAPABILITY_MISSING"
