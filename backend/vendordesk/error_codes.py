"""Codes of the errors the workspace's own services raise (the listing, vendor, inventory and
settlement services have theirs); the pages show each message next to the field it names."""

from django.db import models


class VendorDeskErrorCode(models.TextChoices):
    REQUIRED = "REQUIRED"
    NOT_FOUND = "NOT_FOUND"
    WRONG_STATUS = "WRONG_STATUS"
