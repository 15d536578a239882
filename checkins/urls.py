from django.urls import path

from checkins import apis

urlpatterns = [
    path("checkins/", apis.CheckinListApi.as_view(), name="checkin-list"),
    path(
        "venues/<uuid:venue_id>/checkins/",
        apis.VenueCheckinListApi.as_view(),
        name="venue-checkin-list",
    ),
]
