from django.urls import path

from rewards.offers import apis

urlpatterns = [
    path(
        "venues/<uuid:venue_id>/offers/",
        apis.VenueOfferListApi.as_view(),
        name="venue-offer-list",
    ),
    path("offers/", apis.OfferCreateApi.as_view(), name="offer-list"),
    path("offers/<uuid:offer_id>/", apis.OfferDetailApi.as_view(), name="offer-detail"),
]
