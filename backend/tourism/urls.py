"""The shopper's tourism pages (/tourism/): venues with a date picker, a venue, my vouchers,
one voucher with its QR code (printable), and the QR image."""

from django.urls import path

from backend.tourism import views

app_name = "tourism"
urlpatterns = [
    path("", views.venues, name="venues"),
    path("qr/<str:code>.svg", views.voucher_qr, name="voucher-qr"),
    path("vouchers/", views.my_vouchers, name="my-vouchers"),
    path("vouchers/<str:code>/", views.voucher_detail, name="voucher"),
    path("vouchers/<str:code>/refund/", views.voucher_refund, name="voucher-refund"),
    path("book/<slug:slug>/", views.book, name="book"),
    path("<slug:slug>/", views.venue_detail, name="venue"),
]
