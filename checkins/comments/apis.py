"""The comments API (API.md, "Comments"): one class per operation.

Authors appear by display name only. Comment-scoped views load the comment named in the URL
through `CommentScopedApi`, as `venues.scoping` does for venues: 404 when it does not exist,
and for moderation the venue's managers only.
"""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated, IsAuthenticatedOrReadOnly
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle, ScopedRateThrottle, UserRateThrottle

from backend import errors
from backend.idempotency import IDEMPOTENCY_KEY_REUSED, idempotent
from backend.openapi import IDEMPOTENCY_KEY_PARAMETER, error_responses
from backend.pagination import PaginatedListApi
from checkins import error_codes
from checkins.comments.selectors import comments_to_moderate, comments_visible
from checkins.comments.services import (
    BODY_MAX_LENGTH,
    HIDDEN_REASON_MAX_LENGTH,
    comment_create,
    comment_delete,
    comment_hide,
    comment_report,
    comment_restore,
)
from checkins.models import Comment, CommentReport
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
            Comment.objects.select_related("venue__council", "author"),
            pk=kwargs.pop("comment_id"),
        )
        self.check_scope(request, comment)
        kwargs["comment"] = comment


class CommentOutputSerializer(serializers.ModelSerializer):
    author_display_name = serializers.CharField(source="author.display_name")

    class Meta:
        model = Comment
        fields = ["id", "author_display_name", "body", "rating", "created_at"]


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
            "is hidden pending review."
        ),
        parameters=[IDEMPOTENCY_KEY_PARAMETER],
        request=InputSerializer,
        responses={
            201: OutputSerializer,
            **error_responses(
                errors.INVALID,
                *MANAGER_ERRORS,
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
            max_length=HIDDEN_REASON_MAX_LENGTH, required=False, allow_blank=True
        )

    @extend_schema(
        operation_id="comments_hide",
        description="Hide a comment and close its open reports; a hidden one stays as it is.",
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
