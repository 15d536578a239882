"""``GET /api/v1/councils/{slug}/activity/``: the council's activity log, for its admins."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError

from backend import errors
from backend.openapi import error_responses
from backend.pagination import PaginatedListApi
from venues.activity.selectors import activity_list
from venues.activity.services import ACTIONS
from venues.models import Council
from venues.scoping import CouncilScopedApi


class ActorSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    display_name = serializers.CharField()
    email = serializers.EmailField()


class CouncilActivityApi(CouncilScopedApi, PaginatedListApi):
    permission_by_method = {"GET": "council.view_activity"}

    class FilterSerializer(serializers.Serializer):
        action = serializers.ChoiceField(choices=sorted(ACTIONS), required=False)
        object_type = serializers.CharField(max_length=32, required=False)
        venue = serializers.UUIDField(required=False)
        actor = serializers.UUIDField(required=False)

    class OutputSerializer(serializers.Serializer):
        id = serializers.UUIDField()
        at = serializers.DateTimeField()
        actor = ActorSerializer(
            allow_null=True, help_text="Who did it; null for a command or a background job."
        )
        action = serializers.CharField(help_text="`<object>.<what happened>`, e.g. offer.created")
        object_type = serializers.CharField()
        object_id = serializers.CharField()
        venue = serializers.UUIDField(source="venue_id", allow_null=True)
        summary = serializers.CharField(
            source="shown_summary",
            help_text="What happened, in a sentence, in the reader's language (`Accept-Language`).",
        )

    @extend_schema(
        operation_id="council_activity_list",
        description="Every change staff made in the council (offers, catalog items, roles, "
        "invitations, posters, comments, venues, imports, redemptions), newest first.",
        parameters=[
            OpenApiParameter("action", str, enum=sorted(ACTIONS)),
            OpenApiParameter("object_type", {"type": "string", "maxLength": 32}),
            OpenApiParameter("venue", {"type": "string", "format": "uuid"}),
            OpenApiParameter(
                "actor", {"type": "string", "format": "uuid"}, description="A user's id."
            ),
        ],
        responses={
            200: OutputSerializer(many=True),
            **error_responses(
                errors.INVALID,
                errors.NOT_AUTHENTICATED,
                errors.PERMISSION_DENIED,
                errors.NOT_FOUND,
            ),
        },
    )
    def get(self, request, council: Council):
        filters = self.FilterSerializer(data=request.query_params)
        if not filters.is_valid():
            raise ValidationError(filters.errors)
        data = filters.validated_data
        entries = activity_list(
            council=council,
            action=data.get("action"),
            object_type=data.get("object_type"),
            venue_id=data.get("venue"),
            actor_id=data.get("actor"),
        )
        return self.paginated(entries, self.OutputSerializer)
