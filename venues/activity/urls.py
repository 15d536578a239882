from django.urls import path

from venues.activity import apis

urlpatterns = [
    path(
        "councils/<slug:slug>/activity/",
        apis.CouncilActivityApi.as_view(),
        name="council-activity",
    ),
]
