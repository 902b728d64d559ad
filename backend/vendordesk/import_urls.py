"""Bulk listing import pages (issue #6), included under /vendor/import/."""

urlpatterns: list = []
