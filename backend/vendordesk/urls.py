"""The vendor workspace: mobile pages for a cooperative's staff (issue #6)."""

from django.urls import include, path

app_name = "vendordesk"

urlpatterns: list = [
    # Bulk listing import (template, upload, error report): backend/vendordesk/import_urls.py.
    path("import/", include("backend.vendordesk.import_urls")),
]
