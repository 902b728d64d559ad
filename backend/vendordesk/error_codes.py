"""Codes of the errors the vendor workspace raises; the pages show each message next to the
field it names."""

from django.db import models


class VendorDeskErrorCode(models.TextChoices):
    INVALID = "INVALID"
    REQUIRED = "REQUIRED"
    NOT_FOUND = "NOT_FOUND"
    NOT_VENDOR_STAFF = "NOT_VENDOR_STAFF"
    WRONG_STATUS = "WRONG_STATUS"
    BELOW_ALLOCATED = "BELOW_ALLOCATED"
    NEGATIVE_QUANTITY = "NEGATIVE_QUANTITY"
