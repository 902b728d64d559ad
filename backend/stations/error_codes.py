"""Codes of the errors station services raise; the GraphQL StationErrorCode is built from it."""

from django.db import models


class StationErrorCode(models.TextChoices):
    GRAPHQL_ERROR = "GRAPHQL_ERROR"
    INVALID = "INVALID"
    NOT_FOUND = "NOT_FOUND"
    REQUIRED = "REQUIRED"
    ALREADY_SUSPENDED = "ALREADY_SUSPENDED"
    ALREADY_CLOSED = "ALREADY_CLOSED"
    ALREADY_ACTIVE = "ALREADY_ACTIVE"
    STATION_CLOSED = "STATION_CLOSED"
    INACTIVE_USER = "INACTIVE_USER"
