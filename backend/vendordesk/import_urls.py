"""Bulk listing import pages (issue #6), included under /vendor/import/."""

from django.urls import path, re_path

from backend.vendordesk import import_views

urlpatterns: list = [
    path("", import_views.upload, name="import-upload"),
    re_path(r"^template\.(?P<fmt>xlsx|csv)$", import_views.template, name="import-template"),
    path("jobs/<int:pk>/", import_views.job, name="import-job"),
    path("reports/<str:token>/", import_views.report, name="import-report"),
]
