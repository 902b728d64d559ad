from django.urls import path

from backend.trace import inspect_views as views

app_name = "inspect"
urlpatterns = [
    path("", views.index, name="index"),
    path("batch/<str:code>/", views.batch, name="batch"),
    path("batch/<str:code>/epcis.jsonld", views.batch_epcis, name="batch-epcis"),
    path("recall/<int:pk>/", views.recall, name="recall"),
    path("flag/<int:pk>/resolve/", views.flag_resolve, name="flag-resolve"),
    path("vendor/<int:pk>/", views.vendor_record, name="vendor"),
    path("report/", views.report, name="report"),
]
