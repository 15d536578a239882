"""The comments API (API.md, "Comments" and "Conversation"): one class per operation.

Authors appear as `Comment.author_shown_as` says (their display name). Comment-scoped views load
the comment named in the URL through `CommentScopedApi`, as `venues.scoping` does for venues:
404 when it does not exist, and for moderation and replies the venue's managers only. Each
comment carries the venue's reply (or null), signed with the venue's or the council's name.
"""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated, IsAuthenticatedOrReadOnly
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle, ScopedRateThrottle, UserRateThrottle

from backend import errors
from backend.idempotency import IDEMPOTENCY_KEY_REUSED, idempotent
from backend.openapi import IDEMPOTENCY_KEY_PARAMETER, error_responses
from backend.pagination import PaginatedListApi
from checkins import error_codes
from checkins.comments.replies import (
    comment_reply_create,
    comment_reply_delete,
    comment_reply_update,
)
from checkins.comments.selectors import comments_of_author, comments_to_moderate, comments_visible
from checkins.comments.services import (
    BODY_MAX_LENGTH,
    HIDDEN_REASON_MAX_LENGTH,
    comment_create,
    comment_delete,
    comment_hide,
    comment_report,
    comment_restore,
    hidden_reason_shown,
)
from checkins.models import Comment, CommentReply, CommentReport
from venues.models import Venue
from venues.scoping import ScopedApi, VenueScopedApi

MANAGER_ERRORS = (errors.NOT_AUTHENTICATED, errors.PERMISSION_DENIED, errors.NOT_FOUND)


class CommentScopedApi(ScopedApi):
    """URL has ``<uuid:comment_id>``; the handler gets ``comment`` (with its venue and author).
    Every method needs a signed-in caller, and the permission ``permission_by_method`` names
    (if any) on the comment."""

    permission_classes = [IsAuthenticated]

    def convert_kwargs(self, request, kwargs) -> None:
        comment = get_object_or_404(
            Comment.objects.select_related("venue__council", "author", "reply"),
            pk=kwargs.pop("comment_id"),
        )
        self.check_scope(request, comment)
        kwargs["comment"] = comment


class ReplyOutputSerializer(serializers.ModelSerializer):
    author = serializers.CharField(
        source="signed_by", help_text="The venue's name, or the council's, as it was signed."
    )

    class Meta:
        model = CommentReply
        fields = ["body", "created_at", "updated_at", "author"]


class CommentOutputSerializer(serializers.ModelSerializer):
    author_display_name = serializers.CharField(source="author_shown_as")
    reply = serializers.SerializerMethodField(
        help_text="The venue's official reply, or null when it has not replied."
    )

    class Meta:
        model = Comment
        fields = ["id", "author_display_name", "body", "rating", "created_at", "reply"]

    @extend_schema_field(ReplyOutputSerializer(allow_null=True))
    def get_reply(self, comment):
        reply = getattr(comment, "reply", None)
        return ReplyOutputSerializer(reply).data if reply is not None else None


class ModerationReportSerializer(serializers.ModelSerializer):
    class Meta:
        model = CommentReport
        fields = ["id", "reason", "created_at", "reviewed_at"]


class ModeratedCommentOutputSerializer(CommentOutputSerializer):
    """A comment as its venue's managers see it. One serializer (one schema component) for the
    queue and the hide/restore answers, so that ``status`` names a single enum."""

    # Prefetched by the moderation selector; reporters stay anonymous to managers.
    reports = ModerationReportSerializer(many=True, read_only=True)

    class Meta(CommentOutputSerializer.Meta):
        fields = [
            *CommentOutputSerializer.Meta.fields,
            "status",
            "hidden_reason",
            "hidden_at",
            "reports",
        ]


class VenueCommentListApi(VenueScopedApi, PaginatedListApi):
    permission_classes = [IsAuthenticatedOrReadOnly]
    throttle_classes = [AnonRateThrottle, UserRateThrottle, ScopedRateThrottle]

    def get_throttles(self):
        # The strict "comments" scope guards writing only; reading stays on the defaults.
        self.throttle_scope = "comments" if self.request.method == "POST" else None
        return super().get_throttles()

    class InputSerializer(serializers.Serializer):
        body = serializers.CharField(max_length=BODY_MAX_LENGTH)
        rating = serializers.IntegerField(min_value=1, max_value=5, required=False)

    @extend_schema(
        operation_id="venue_comments_list",
        description="The venue's visible comments, newest first.",
        responses={200: CommentOutputSerializer(many=True), **error_responses(errors.NOT_FOUND)},
    )
    def get(self, request, venue: Venue):
        return self.paginated(comments_visible(venue=venue), CommentOutputSerializer)

    @extend_schema(
        operation_id="venue_comments_create",
        description=(
            "Comment on a venue the caller checked in at within `COMMENT_CHECKIN_WINDOW_DAYS`."
        ),
        parameters=[IDEMPOTENCY_KEY_PARAMETER],
        request=InputSerializer,
        responses={
            201: CommentOutputSerializer,
            **error_responses(
                errors.INVALID,
                error_codes.INAPPROPRIATE_CONTENT,
                errors.NOT_AUTHENTICATED,
                error_codes.CHECKIN_REQUIRED,
                errors.NOT_FOUND,
                IDEMPOTENCY_KEY_REUSED,
                errors.THROTTLED,
            ),
        },
    )
    @idempotent
    def post(self, request, venue: Venue):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        comment = comment_create(author=request.user, venue=venue, **serializer.validated_data)
        return Response(CommentOutputSerializer(comment).data, status=status.HTTP_201_CREATED)


class VenueCommentModerationApi(VenueScopedApi, PaginatedListApi):
    permission_by_method = {"GET": "comment.moderate"}

    @extend_schema(
        operation_id="venue_comments_moderation",
        description=(
            "The moderation queue: hidden comments and comments with open (unreviewed) "
            "reports, newest first, each with all its reports."
        ),
        responses={
            200: ModeratedCommentOutputSerializer(many=True),
            **error_responses(*MANAGER_ERRORS),
        },
    )
    def get(self, request, venue: Venue):
        return self.paginated(comments_to_moderate(venue=venue), ModeratedCommentOutputSerializer)


class CommentDeleteApi(CommentScopedApi):
    @extend_schema(
        operation_id="comments_delete",
        description="Its author deletes a comment for good.",
        responses={204: None, **error_responses(*MANAGER_ERRORS)},
    )
    def delete(self, request, comment: Comment):
        comment_delete(comment=comment, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class CommentReportApi(CommentScopedApi):
    class InputSerializer(serializers.Serializer):
        reason = serializers.CharField(max_length=500)

    class OutputSerializer(serializers.ModelSerializer):
        comment = serializers.UUIDField(source="comment_id")

        class Meta:
            model = CommentReport
            fields = ["id", "comment", "reason", "created_at"]

    @extend_schema(
        operation_id="comments_report",
        description=(
            "Report a comment; when `COMMENT_REPORTS_TO_HIDE` residents have reported it, it "
            "is hidden pending review. Only residents who may comment at its venue (a "
            "check-in there within `COMMENT_CHECKIN_WINDOW_DAYS`) may report its comments."
        ),
        parameters=[IDEMPOTENCY_KEY_PARAMETER],
        request=InputSerializer,
        responses={
            201: OutputSerializer,
            **error_responses(
                errors.INVALID,
                *MANAGER_ERRORS,
                error_codes.CHECKIN_REQUIRED,
                error_codes.ALREADY_REPORTED,
                IDEMPOTENCY_KEY_REUSED,
            ),
        },
    )
    @idempotent
    def post(self, request, comment: Comment):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        report = comment_report(
            comment=comment, reporter=request.user, reason=serializer.validated_data["reason"]
        )
        return Response(self.OutputSerializer(report).data, status=status.HTTP_201_CREATED)


class CommentHideApi(CommentScopedApi):
    permission_by_method = {"POST": "comment.moderate"}

    class InputSerializer(serializers.Serializer):
        reason = serializers.CharField(
            max_length=HIDDEN_REASON_MAX_LENGTH,
            required=False,
            allow_blank=True,
            help_text="Why, in words its author will see on their own comment (omitted: "
            '"Hidden by the venue\'s managers.").',
        )

    @extend_schema(
        operation_id="comments_hide",
        description="Hide a comment and close its open reports; a hidden one stays as it is. "
        "Its author sees the `reason` on their own comment (`GET /api/v1/me/comments/`).",
        request=InputSerializer,
        responses={
            200: ModeratedCommentOutputSerializer,
            **error_responses(errors.INVALID, *MANAGER_ERRORS),
        },
    )
    def post(self, request, comment: Comment):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        comment = comment_hide(comment=comment, by=request.user, **serializer.validated_data)
        return Response(ModeratedCommentOutputSerializer(comment).data)


class CommentRestoreApi(CommentScopedApi):
    permission_by_method = {"POST": "comment.moderate"}

    @extend_schema(
        operation_id="comments_restore",
        description=(
            "Make a comment visible again and close its open reports (on a visible comment: "
            "dismiss its reports)."
        ),
        request=None,
        responses={200: ModeratedCommentOutputSerializer, **error_responses(*MANAGER_ERRORS)},
    )
    def post(self, request, comment: Comment):
        comment = comment_restore(comment=comment, by=request.user)
        return Response(ModeratedCommentOutputSerializer(comment).data)


class CommentReplyApi(CommentScopedApi):
    """The venue's one reply to a comment: write it (POST), change it (PATCH), take it down
    (DELETE). The comment's venue's managers and its council's admins only."""

    permission_by_method = {
        "POST": "comment.reply",
        "PATCH": "comment.reply",
        "DELETE": "comment.reply",
    }

    class InputSerializer(serializers.Serializer):
        body = serializers.CharField(max_length=CommentReply.BODY_MAX_LENGTH)

    @extend_schema(
        operation_id="comments_reply_create",
        description="Reply to a comment for the venue: one reply per comment (a second is "
        "`reply_exists`); its author is emailed a link unless they turned those emails off.",
        parameters=[IDEMPOTENCY_KEY_PARAMETER],
        request=InputSerializer,
        responses={
            201: ReplyOutputSerializer,
            **error_responses(
                errors.INVALID,
                error_codes.INAPPROPRIATE_CONTENT,
                *MANAGER_ERRORS,
                error_codes.REPLY_EXISTS,
                IDEMPOTENCY_KEY_REUSED,
            ),
        },
    )
    @idempotent
    def post(self, request, comment: Comment):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        reply = comment_reply_create(
            comment=comment, by=request.user, body=serializer.validated_data["body"]
        )
        return Response(ReplyOutputSerializer(reply).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        operation_id="comments_reply_update",
        description="Change the comment's reply (it is signed by whoever changed it last).",
        request=InputSerializer,
        responses={
            200: ReplyOutputSerializer,
            **error_responses(errors.INVALID, error_codes.INAPPROPRIATE_CONTENT, *MANAGER_ERRORS),
        },
    )
    def patch(self, request, comment: Comment):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        reply = comment_reply_update(
            comment=comment, by=request.user, body=serializer.validated_data["body"]
        )
        return Response(ReplyOutputSerializer(reply).data)

    @extend_schema(
        operation_id="comments_reply_delete",
        description="Take the comment's reply down.",
        responses={204: None, **error_responses(*MANAGER_ERRORS)},
    )
    def delete(self, request, comment: Comment):
        comment_reply_delete(comment=comment, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MyCommentListApi(PaginatedListApi):
    """The caller's own comments, every status, newest first."""

    permission_classes = [IsAuthenticated]

    class OutputSerializer(CommentOutputSerializer):
        venue = serializers.UUIDField(source="venue_id")
        venue_name = serializers.CharField(source="venue.shown_name")
        hidden_reason = serializers.SerializerMethodField(
            help_text="Why it is hidden, in the caller's language when it is one of the "
            "standard reasons; empty while it is visible."
        )

        class Meta(CommentOutputSerializer.Meta):
            fields = [
                *CommentOutputSerializer.Meta.fields,
                "venue",
                "venue_name",
                "status",
                "hidden_reason",
                "hidden_at",
            ]

        def get_hidden_reason(self, comment) -> str:
            return hidden_reason_shown(comment)

    @extend_schema(
        operation_id="me_comments_list",
        description="The caller's comments, hidden ones included with `hidden_reason`, each "
        "with the venue's reply; `DELETE /api/v1/comments/{id}/` deletes one.",
        responses={200: OutputSerializer(many=True)},
    )
    def get(self, request):
        return self.paginated(comments_of_author(author=request.user), self.OutputSerializer)
