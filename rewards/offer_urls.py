from django.urls import path

from rewards import offer_views

urlpatterns = [
    path(
        "venues/<uuid:venue_id>/offers/",
        offer_views.VenueOfferListApi.as_view(),
        name="venue-offer-list",
    ),
    path("offers/", offer_views.OfferCreateApi.as_view(), name="offer-list"),
    path("offers/<uuid:offer_id>/", offer_views.OfferDetailApi.as_view(), name="offer-detail"),
]
