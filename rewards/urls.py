"""Every rewards API, one ``urls.py`` per capability."""

from django.urls import include, path

urlpatterns = [
    path("", include("rewards.offers.urls")),
    path("", include("rewards.catalog.urls")),
    path("", include("rewards.vouchers.urls")),
    path("", include("rewards.stripe.urls")),
    path("", include("rewards.wallet.urls")),
]
