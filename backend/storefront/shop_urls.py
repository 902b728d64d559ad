"""URLs of checkout, the shopper's account and the order pages (included by `urls.py`, in the
`storefront` namespace)."""

from django.urls import path

from backend.storefront import (
    account_views,
    checkout_views,
    discount_views,
    native_pay,
    order_views,
)

urlpatterns = [
    path("cart/voucher/", discount_views.voucher_apply, name="voucher-apply"),
    path("cart/voucher/remove/", discount_views.voucher_remove, name="voucher-remove"),
    path("flash-sale/", discount_views.flash_sales, name="flash-sales"),
    path("checkout/", checkout_views.checkout_start, name="checkout"),
    path("checkout/contact/", checkout_views.checkout_contact, name="checkout-contact"),
    path("checkout/address/", checkout_views.checkout_address, name="checkout-address"),
    path("checkout/delivery/", checkout_views.checkout_delivery, name="checkout-delivery"),
    path("checkout/payment/", checkout_views.checkout_payment, name="checkout-payment"),
    path("checkout/review/", checkout_views.checkout_review, name="checkout-review"),
    path("checkout/place/", checkout_views.checkout_place, name="checkout-place"),
    path("checkout/pay/approve/", checkout_views.checkout_pay_approve, name="checkout-pay-approve"),
    path("checkout/pay/return/", checkout_views.checkout_pay_return, name="checkout-pay-return"),
    # Native Alipay / WeChat Pay (issue #16): wait for the payment, then place the order.
    path("checkout/pay/wait/", native_pay.checkout_pay_wait, name="checkout-pay-wait"),
    path("checkout/pay/status/", native_pay.checkout_pay_status, name="checkout-pay-status"),
    path("orders/<uuid:order_id>/", order_views.order_detail, name="order"),
    path("account/signup/", account_views.signup, name="signup"),
    path("account/login/", account_views.login_view, name="login"),
    path("account/code/", account_views.send_code, name="send-code"),
    path("account/logout/", account_views.logout_view, name="logout"),
    path("account/orders/", account_views.account_orders, name="account-orders"),
    path("account/addresses/", account_views.address_list, name="account-addresses"),
    path("account/addresses/new/", account_views.address_create, name="address-create"),
    path(
        "account/addresses/<int:address_id>/edit/", account_views.address_edit, name="address-edit"
    ),
    path(
        "account/addresses/<int:address_id>/delete/",
        account_views.address_delete,
        name="address-delete",
    ),
    path(
        "account/addresses/<int:address_id>/default/",
        account_views.address_set_default,
        name="address-default",
    ),
]
