from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from backend.core import private_files
from backend.core.views import health
from backend.targets import views as targets_views

urlpatterns = [
    path("healthz/", health, name="health"),
    # The county office's poverty-zone pages (issue #12): full records, import, reports.
    path("dashboard/poverty-zone/", include("backend.poverty.views")),
    path("dashboard/", admin.site.urls),
    # The dashboard's language switcher (UNFOLD["SHOW_LANGUAGES"]) posts to set_language.
    path("i18n/", include("django.conf.urls.i18n")),
    # Station operators' mobile pages (issue #4).
    path("station/", include("backend.stationdesk.urls")),
    # Vendors' workspace: a cooperative's staff on a phone (issue #6).
    path("vendor/", include("backend.vendordesk.urls")),
    # Venue staff's redemption desk and the shopper's tourism pages (issue #13).
    path("venue/", include("backend.tourism.desk_urls")),
    path("tourism/", include("backend.tourism.urls")),
    # The consumer's trace page behind the pack's QR, and the inspectors' pages (issue #14).
    path("trace/", include("backend.trace.urls")),
    path("inspect/", include("backend.trace.inspect_urls")),
    # Training sessions, QR sign-in, certificates and staff session pages (issue #18).
    path("training/", include("backend.training.urls")),
    # The county office's dashboard of the plan's targets and its public page (issue #18).
    path("county/targets/", include(targets_views.county_urls)),
    path("", include(targets_views.public_urls)),
    # Private files (household papers, evidence) through short-lived signed links.
    path("private/<str:token>/", private_files.serve, name="private-file"),
    path("", include("backend.graphql.urls")),
    # Payment providers' notifications (Stripe: /webhooks/stripe/).
    path("", include("backend.payment.urls")),
    path("", include("backend.storefront.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
