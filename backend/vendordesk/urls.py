"""The vendor workspace: mobile pages for a cooperative's staff (issue #6)."""

from django.contrib.auth import views as auth_views
from django.urls import include, path, reverse_lazy

from backend.vendordesk import apply_views, brand_views, join_views, poverty_views, views

app_name = "vendordesk"

urlpatterns: list = [
    path("", views.home, name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    # The link in a staff invitation SMS (backend/vendors/notifications.py INVITATION_PATH).
    path("join/<str:token>/", join_views.join, name="join"),
    # Applying to sell: the web form of vendorApply.
    path("apply/", apply_views.apply, name="apply"),
    path(
        "logout/",
        auth_views.LogoutView.as_view(next_page=reverse_lazy("vendordesk:login")),
        name="logout",
    ),
    path("orders/", views.orders, name="orders"),
    path("orders/packing-list/", views.packing_list, name="packing-list"),
    path("orders/<int:pk>/", views.parcel, name="parcel"),
    path("orders/<int:pk>/packed/", views.mark_packed, name="packed"),
    path("orders/<int:pk>/hand-over/", views.hand_over, name="hand-over"),
    path("stock/", views.stock, name="stock"),
    path("stock/<int:pk>/", views.stock_edit, name="stock-edit"),
    path("warehouses/<int:pk>/", views.warehouse, name="warehouse"),
    path("products/", views.products, name="products"),
    path("products/new/", views.product_create, name="product-create"),
    path("products/<int:pk>/", views.product, name="product"),
    path("products/<int:pk>/edit/", views.product_edit, name="product-edit"),
    path("products/<int:pk>/photos/", views.product_photos, name="product-photos"),
    path(
        "products/<int:pk>/photos/<int:media_id>/remove/",
        views.product_photo_remove,
        name="product-photo-remove",
    ),
    path("products/<int:pk>/certificates/", views.product_certificate, name="product-certificate"),
    path("products/<int:pk>/submit/", views.product_submit, name="product-submit"),
    # The public brand's licence (授权使用): backend/vendordesk/brand_views.py.
    path(
        "products/<int:pk>/brand-licence/",
        brand_views.product_licence_request,
        name="product-licence-request",
    ),
    # The poverty-alleviation certification (扶贫产品认定): backend/vendordesk/poverty_views.py.
    path("products/<int:pk>/poverty/", poverty_views.product_poverty, name="product-poverty"),
    path("sales/", views.sales, name="sales"),
    path("statements/", views.statements, name="statements"),
    path("statements/<int:pk>/", views.statement, name="statement"),
    path(
        "statements/<int:pk>/download.<str:extension>",
        views.statement_download,
        name="statement-download",
    ),
    path("staff/", views.staff, name="staff"),
    path("staff/<int:pk>/remove/", views.staff_remove, name="staff-remove"),
    path("more/", views.more, name="more"),
    # Bulk listing import (template, upload, error report): backend/vendordesk/import_urls.py.
    path("import/", include("backend.vendordesk.import_urls")),
]
