from django.urls import path

from checkins import views

urlpatterns = [
    path("checkins/", views.CheckinListApi.as_view(), name="checkin-list"),
    path(
        "venues/<uuid:venue_id>/checkins/",
        views.VenueCheckinListApi.as_view(),
        name="venue-checkin-list",
    ),
]
