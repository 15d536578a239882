from django.urls import path

from checkins.comments import apis

urlpatterns = [
    path(
        "venues/<uuid:venue_id>/comments/",
        apis.VenueCommentListApi.as_view(),
        name="venue-comment-list",
    ),
    path(
        "venues/<uuid:venue_id>/comments/moderation/",
        apis.VenueCommentModerationApi.as_view(),
        name="venue-comment-moderation",
    ),
    path("comments/<uuid:comment_id>/", apis.CommentDeleteApi.as_view(), name="comment-detail"),
    path(
        "comments/<uuid:comment_id>/report/",
        apis.CommentReportApi.as_view(),
        name="comment-report",
    ),
    path("comments/<uuid:comment_id>/hide/", apis.CommentHideApi.as_view(), name="comment-hide"),
    path("comments/<uuid:comment_id>/reply/", apis.CommentReplyApi.as_view(), name="comment-reply"),
    path("me/comments/", apis.MyCommentListApi.as_view(), name="me-comment-list"),
    path(
        "comments/<uuid:comment_id>/restore/",
        apis.CommentRestoreApi.as_view(),
        name="comment-restore",
    ),
]
