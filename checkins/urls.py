from django.urls import path

from checkins import apis

urlpatterns = [
    path("checkins/", apis.CheckinListApi.as_view(), name="checkin-list"),
    path("checkins/assisted/", apis.CheckinAssistedApi.as_view(), name="checkin-assisted"),
    path("checkins/<uuid:checkin_id>/void/", apis.CheckinVoidApi.as_view(), name="checkin-void"),
    path(
        "venues/<uuid:venue_id>/checkins/",
        apis.VenueCheckinListApi.as_view(),
        name="venue-checkin-list",
    ),
]
