from django.urls import path

from backend.trace import vendor_views, views

app_name = "trace"
urlpatterns = [
    path("recall/<str:token>/", views.recall_notice, name="recall"),
    # The cooperative's batch pages (vendor workspace sign-in).
    path("mine/", vendor_views.index, name="mine"),
    path("mine/new/", vendor_views.batch_new, name="mine-batch-new"),
    path("mine/base/new/", vendor_views.base_new, name="mine-base-new"),
    path("mine/<str:code>/", vendor_views.batch, name="mine-batch"),
    path("mine/<str:code>/label/", vendor_views.label, name="mine-label"),
    path("<str:code>/", views.trace_page, name="page"),
    path("<str:code>/qr.svg", views.trace_qr, name="qr"),
]
