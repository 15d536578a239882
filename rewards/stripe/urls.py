from django.urls import path

from rewards.stripe.apis import StripeWebhookApi

urlpatterns = [
    path("webhooks/stripe/", StripeWebhookApi.as_view(), name="webhook-stripe"),
]
