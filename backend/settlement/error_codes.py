"""Codes of the errors settlement services raise; the GraphQL SettlementErrorCode is built
from it."""

from django.db import models


class SettlementErrorCode(models.TextChoices):
    GRAPHQL_ERROR = "GRAPHQL_ERROR"
    INVALID = "INVALID"
    NOT_FOUND = "NOT_FOUND"
    REQUIRED = "REQUIRED"
    PERMISSION_DENIED = "PERMISSION_DENIED"
    INVALID_PERIOD = "INVALID_PERIOD"
    PERIOD_OVERLAPS = "PERIOD_OVERLAPS"
    PERIOD_NOT_ENDED = "PERIOD_NOT_ENDED"
    NOT_DRAFT = "NOT_DRAFT"
    NOT_ISSUED = "NOT_ISSUED"
