from django.urls import path

from backend.payment.views import alipay_notify, stripe_webhook, wechatpay_notify

urlpatterns = [
    path("webhooks/stripe/", stripe_webhook, name="stripe-webhook"),
    path("webhooks/alipay/", alipay_notify, name="alipay-notify"),
    path("webhooks/wechatpay/", wechatpay_notify, name="wechatpay-notify"),
]
