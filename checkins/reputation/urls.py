from django.urls import path

from checkins.reputation import apis

urlpatterns = [
    path(
        "councils/<slug:slug>/reputation/",
        apis.CouncilReputationApi.as_view(),
        name="council-reputation",
    ),
]
