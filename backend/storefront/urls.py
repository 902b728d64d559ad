from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from backend.search import views as search_views
from backend.storefront import brand_views, views
from backend.storefront.sitemaps import SITEMAPS

app_name = "storefront"
urlpatterns = [
    path("", views.home, name="home"),
    path("products/", views.all_products, name="products"),
    # Slugs of the seed are Chinese (allow_unicode), so they are matched as plain strings.
    path("c/<str:slug>/", views.category, name="category"),
    path("collections/<str:slug>/", views.collection, name="collection"),
    path("p/<str:slug>/", views.product, name="product"),
    path("search/", views.search, name="search"),
    path("search/suggest/", search_views.suggest, name="search-suggest"),
    path("cart/", views.cart, name="cart"),
    path("cart/add/", views.cart_add, name="cart-add"),
    path("cart/update/", views.cart_update, name="cart-update"),
    path("about/", views.about, name="about"),
    path("brand/", brand_views.brand, name="brand"),
    path("language/", views.switch_language, name="language"),
    path("", include("backend.storefront.shop_urls")),
    path("", include("backend.storefront.merchandising_urls")),
    path("", include("backend.storefront.poverty_views")),
    path("pages/<slug:slug>/", views.static_page, name="page"),
    path("robots.txt", views.robots_txt, name="robots"),
    path(
        "sitemap.xml",
        sitemap,
        {"sitemaps": SITEMAPS, "template_name": "storefront/sitemap.xml"},
        name="sitemap",
    ),
]
