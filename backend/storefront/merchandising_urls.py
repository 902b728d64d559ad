"""URLs of the campaign and livestream pages (included by `urls.py`, in the `storefront`
namespace)."""

from django.urls import path

from backend.storefront import merchandising_views

urlpatterns = [
    path("campaigns/", merchandising_views.campaign_list, name="campaigns"),
    path("campaigns/<str:slug>/", merchandising_views.campaign_detail, name="campaign"),
    path("live/", merchandising_views.live_list, name="live"),
    path("live/<int:pk>/", merchandising_views.live_detail, name="live-event"),
]
