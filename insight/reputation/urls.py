from django.urls import path

from insight.reputation import apis

urlpatterns = [
    path(
        "councils/<slug:slug>/reputation/",
        apis.CouncilReputationApi.as_view(),
        name="council-reputation",
    ),
]
