from django.urls import path

from venues.foursquare import apis

urlpatterns = [
    path(
        "venues/<uuid:venue_id>/foursquare-sync/",
        apis.VenueFoursquareSyncApi.as_view(),
        name="venue-foursquare-sync",
    ),
    path(
        "councils/<slug:slug>/foursquare/",
        apis.CouncilFoursquareReportApi.as_view(),
        name="council-foursquare-report",
    ),
]
