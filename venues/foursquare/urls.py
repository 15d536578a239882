from django.urls import path

from venues.foursquare import apis as views

urlpatterns = [
    path(
        "venues/<uuid:venue_id>/foursquare-sync/",
        views.VenueFoursquareSyncApi.as_view(),
        name="venue-foursquare-sync",
    ),
    path(
        "councils/<slug:slug>/foursquare/",
        views.CouncilFoursquareReportApi.as_view(),
        name="council-foursquare-report",
    ),
]
