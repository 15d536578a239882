from django.urls import path

from venues import apis as views

urlpatterns = [
    path("councils/", views.CouncilListApi.as_view(), name="council-list"),
    path("councils/<slug:slug>/", views.CouncilDetailApi.as_view(), name="council-detail"),
    path(
        "councils/<slug:slug>/members/",
        views.CouncilMemberListApi.as_view(),
        name="council-member-list",
    ),
    path(
        "councils/<slug:slug>/members/<uuid:member_id>/",
        views.CouncilMemberDetailApi.as_view(),
        name="council-member-detail",
    ),
    path("venues/", views.VenueListApi.as_view(), name="venue-list"),
    path("venues/<uuid:venue_id>/", views.VenueDetailApi.as_view(), name="venue-detail"),
]
