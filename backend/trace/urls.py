from django.urls import path

from backend.trace import views

app_name = "trace"
urlpatterns = [
    path("recall/<str:token>/", views.recall_notice, name="recall"),
    path("<str:code>/", views.trace_page, name="page"),
    path("<str:code>/qr.svg", views.trace_qr, name="qr"),
]
