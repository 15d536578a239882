from django.urls import path

from venues.screens import apis

urlpatterns = [
    path(
        "venues/<uuid:venue_id>/screen-code/",
        apis.ScreenCodeApi.as_view(),
        name="venue-screen-code",
    ),
]
