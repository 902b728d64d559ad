from django.urls import path

from backend.payment.views import stripe_webhook

urlpatterns = [path("webhooks/stripe/", stripe_webhook, name="stripe-webhook")]
