from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from backend.stationdesk import views

app_name = "stationdesk"
urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path(
        "logout/",
        auth_views.LogoutView.as_view(next_page=reverse_lazy("stationdesk:login")),
        name="logout",
    ),
    path("qr/<str:code>.svg", views.pickup_qr, name="pickup-qr"),
    path("<str:code>/inbound/", views.inbound, name="inbound"),
    path("<str:code>/outbound/", views.outbound, name="outbound"),
    path("<str:code>/pickup/", views.pickup, name="pickup"),
    path("<str:code>/cash/", views.cash, name="cash"),
    path("<str:code>/first-mile/", views.first_mile, name="first-mile"),
    path("<str:code>/manifest/", views.manifest, name="manifest"),
]
