from django.urls import path

from venues import apis

urlpatterns = [
    path("councils/", apis.CouncilListApi.as_view(), name="council-list"),
    path("councils/<slug:slug>/", apis.CouncilDetailApi.as_view(), name="council-detail"),
    path(
        "councils/<slug:slug>/members/",
        apis.CouncilMemberListApi.as_view(),
        name="council-member-list",
    ),
    path(
        "councils/<slug:slug>/members/<uuid:member_id>/",
        apis.CouncilMemberDetailApi.as_view(),
        name="council-member-detail",
    ),
    path("venues/", apis.VenueListApi.as_view(), name="venue-list"),
    path("venues/<uuid:venue_id>/", apis.VenueDetailApi.as_view(), name="venue-detail"),
]
