"""The desk screen's current code over HTTP, for the venue's staff (their tablet's page asks it
as the code changes)."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from backend import errors
from backend.openapi import error_responses
from venues.models import Venue
from venues.scoping import VenueScopedApi
from venues.screens.services import screen_code_current


class ScreenCodeApi(VenueScopedApi):
    permission_by_method = {"GET": "venue.serve"}

    class OutputSerializer(serializers.Serializer):
        token = serializers.CharField(help_text="The code: residents check in with it as qr_token.")
        url = serializers.URLField(
            help_text="What the screen's QR encodes: <PUBLIC_BASE_URL>/q/<token>."
        )
        changes_at = serializers.DateTimeField(help_text="When the screen shows the next code.")
        expires_at = serializers.DateTimeField(
            help_text="When check-ins with this code are refused (expired_qr): one period later."
        )

    @extend_schema(
        operation_id="venue_screen_code",
        description=(
            "The venue's current desk-screen code. It changes every SCREEN_CODE_SECONDS; a "
            "check-in with it is accepted until `expires_at`."
        ),
        responses={
            200: OutputSerializer,
            **error_responses(errors.NOT_AUTHENTICATED, errors.PERMISSION_DENIED, errors.NOT_FOUND),
        },
    )
    def get(self, request, venue: Venue):
        response = Response(self.OutputSerializer(screen_code_current(venue=venue)).data)
        response["Cache-Control"] = "no-store"
        return response
