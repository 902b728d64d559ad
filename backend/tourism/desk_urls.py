"""The venue staff's redemption desk (/venue/): sign in, scan or type a code, redeem, undo."""

from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from backend.tourism import desk_views as views

app_name = "venuedesk"
urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path(
        "logout/",
        auth_views.LogoutView.as_view(next_page=reverse_lazy("venuedesk:login")),
        name="logout",
    ),
    path("<int:venue_id>/", views.scan, name="scan"),
    path("<int:venue_id>/voucher/<str:code>/", views.voucher, name="voucher"),
    path("<int:venue_id>/undo/<int:redemption_id>/", views.undo, name="undo"),
    path("<int:venue_id>/report/", views.report, name="report"),
]
