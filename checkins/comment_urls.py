from django.urls import path

from checkins import comment_views as views

urlpatterns = [
    path(
        "venues/<uuid:venue_id>/comments/",
        views.VenueCommentListApi.as_view(),
        name="venue-comment-list",
    ),
    path(
        "venues/<uuid:venue_id>/comments/moderation/",
        views.VenueCommentModerationApi.as_view(),
        name="venue-comment-moderation",
    ),
    path("comments/<uuid:comment_id>/", views.CommentDeleteApi.as_view(), name="comment-detail"),
    path(
        "comments/<uuid:comment_id>/report/",
        views.CommentReportApi.as_view(),
        name="comment-report",
    ),
    path("comments/<uuid:comment_id>/hide/", views.CommentHideApi.as_view(), name="comment-hide"),
    path(
        "comments/<uuid:comment_id>/restore/",
        views.CommentRestoreApi.as_view(),
        name="comment-restore",
    ),
]
