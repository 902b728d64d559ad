"""Stable codes of the errors the tourism app raises; the GraphQL TourismErrorCode is built from
it, and the venue desk shows the message next to the field."""

from django.db import models


class TourismErrorCode(models.TextChoices):
    GRAPHQL_ERROR = "GRAPHQL_ERROR"
    INVALID = "INVALID"
    REQUIRED = "REQUIRED"
    NOT_FOUND = "NOT_FOUND"
    PERMISSION_DENIED = "PERMISSION_DENIED"
    # Redemption (核销)
    INVALID_CODE = "INVALID_CODE"
    WRONG_VENUE = "WRONG_VENUE"
    NOT_YET_VALID = "NOT_YET_VALID"
    EXPIRED = "EXPIRED"
    REFUNDED = "REFUNDED"
    NO_USES_LEFT = "NO_USES_LEFT"
    TOO_MANY_ATTEMPTS = "TOO_MANY_ATTEMPTS"
    UNDO_WINDOW_PASSED = "UNDO_WINDOW_PASSED"
    UNDO_LIMIT_REACHED = "UNDO_LIMIT_REACHED"
    ALREADY_UNDONE = "ALREADY_UNDONE"
    # Booking and refunds
    SOLD_OUT = "SOLD_OUT"
    BLACKOUT_DATE = "BLACKOUT_DATE"
    BOOKING_CLOSED = "BOOKING_CLOSED"
    NOT_REFUNDABLE = "NOT_REFUNDABLE"
    NOT_PAID = "NOT_PAID"
