from django.urls import path

from checkins.alerts import apis

urlpatterns = [
    path(
        "councils/<slug:slug>/alerts/",
        apis.CouncilAlertListApi.as_view(),
        name="council-alert-list",
    ),
    path(
        "councils/<slug:slug>/alerts/<uuid:alert_id>/resolve/",
        apis.CouncilAlertResolveApi.as_view(),
        name="council-alert-resolve",
    ),
    path(
        "venues/<uuid:venue_id>/alerts/", apis.VenueAlertListApi.as_view(), name="venue-alert-list"
    ),
    path(
        "venues/<uuid:venue_id>/alerts/<uuid:alert_id>/resolve/",
        apis.VenueAlertResolveApi.as_view(),
        name="venue-alert-resolve",
    ),
]
