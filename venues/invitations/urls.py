from django.urls import path

from venues.invitations import apis

urlpatterns = [
    path(
        "councils/<slug:slug>/invitations/",
        apis.InvitationListApi.as_view(),
        name="council-invitation-list",
    ),
    path(
        "councils/<slug:slug>/invitations/<uuid:invitation_id>/",
        apis.InvitationDetailApi.as_view(),
        name="council-invitation-detail",
    ),
    path(
        "councils/<slug:slug>/invitations/<uuid:invitation_id>/resend/",
        apis.InvitationResendApi.as_view(),
        name="council-invitation-resend",
    ),
]
