from django.urls import path

from insight.stats import apis

urlpatterns = [
    path("venues/<uuid:venue_id>/stats/", apis.VenueStatsApi.as_view(), name="venue-stats"),
    path(
        "councils/<slug:slug>/stats/",
        apis.CouncilStatsApi.as_view(),
        name="council-stats",
    ),
]
