from django.urls import path

from checkins import stats_views

urlpatterns = [
    path("venues/<uuid:venue_id>/stats/", stats_views.VenueStatsApi.as_view(), name="venue-stats"),
    path(
        "councils/<slug:slug>/stats/",
        stats_views.CouncilStatsApi.as_view(),
        name="council-stats",
    ),
]
