from drf_spectacular.utils import extend_schema, extend_schema_field, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from backend import errors
from backend.idempotency import IDEMPOTENCY_KEY_REUSED, idempotent
from backend.openapi import IDEMPOTENCY_KEY_PARAMETER, error_responses
from backend.pagination import PaginatedListApi
from venues import error_codes
from venues.models import Poster, Venue
from venues.posters.services import (
    poster_code_display,
    poster_create,
    poster_resolve,
    poster_revoke,
    poster_url,
)
from venues.posters.tokens import public_key_set
from venues.scoping import PosterScopedApi, VenueScopedApi
from venues.screens.services import screen_token_venue
from venues.screens.tokens import looks_like_screen_token
from venues.serializers import VenueOutputSerializer

MANAGER_ERRORS = (errors.NOT_AUTHENTICATED, errors.PERMISSION_DENIED, errors.NOT_FOUND)


class PosterOutputSerializer(serializers.ModelSerializer):
    code = serializers.SerializerMethodField(
        help_text="The fallback code as printed under the QR (`K7QM-P3XH`); typed at `/q/` "
        "with or without the dash, in any case."
    )
    url = serializers.SerializerMethodField(help_text="The text the QR code encodes.")

    class Meta:
        model = Poster
        fields = ["id", "label", "code", "token", "url", "created_at", "revoked_at"]

    @extend_schema_field({"type": "string", "pattern": "^[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}$"})
    def get_code(self, poster: Poster) -> str:
        return poster_code_display(poster.code)

    def get_url(self, poster: Poster) -> str:
        return poster_url(poster)


class VenuePosterListApi(VenueScopedApi, PaginatedListApi):
    permission_by_method = {"GET": "poster.view", "POST": "poster.create"}

    class InputSerializer(serializers.Serializer):
        label = serializers.CharField(max_length=100)

    @extend_schema(
        operation_id="venue_posters_list",
        responses={200: PosterOutputSerializer(many=True), **error_responses(*MANAGER_ERRORS)},
    )
    def get(self, request, venue: Venue):
        return self.paginated(venue.posters.order_by("-created_at", "id"), PosterOutputSerializer)

    @extend_schema(
        operation_id="venue_posters_create",
        parameters=[IDEMPOTENCY_KEY_PARAMETER],
        request=InputSerializer,
        responses={
            201: PosterOutputSerializer,
            **error_responses(errors.INVALID, *MANAGER_ERRORS, IDEMPOTENCY_KEY_REUSED),
        },
    )
    @idempotent
    def post(self, request, venue: Venue):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        poster = poster_create(venue=venue, created_by=request.user, **serializer.validated_data)
        return Response(PosterOutputSerializer(poster).data, status=status.HTTP_201_CREATED)


class PosterRevokeApi(PosterScopedApi):
    @extend_schema(
        operation_id="posters_revoke",
        request=None,
        responses={200: PosterOutputSerializer, **error_responses(*MANAGER_ERRORS)},
    )
    def post(self, request, poster: Poster):
        poster = poster_revoke(poster=poster, revoked_by=request.user)
        return Response(PosterOutputSerializer(poster).data)


class QrResolveApi(APIView):
    permission_classes = [AllowAny]

    class OutputSerializer(serializers.Serializer):
        venue = VenueOutputSerializer()
        kind = serializers.ChoiceField(
            choices=["poster", "screen"],
            help_text="A printed poster's code, or the desk screen's rotating one.",
        )
        poster = inline_serializer(
            name="QrPoster",
            fields={"id": serializers.UUIDField(), "label": serializers.CharField()},
            allow_null=True,
            help_text="Null for a desk screen's code.",
        )

    @extend_schema(
        operation_id="qr_resolve",
        description=(
            "The venue a scanned code belongs to: a poster's, or a desk screen's (which is "
            "refused as `expired_qr` once it has been replaced for a whole period)."
        ),
        responses={
            200: OutputSerializer,
            **error_responses(
                error_codes.EXPIRED_QR, error_codes.UNKNOWN_QR, error_codes.REVOKED_QR
            ),
        },
    )
    def get(self, request, token: str):
        if looks_like_screen_token(token):
            venue = screen_token_venue(token=token, invalid=error_codes.UNKNOWN_QR)
            body = {"kind": "screen", "venue": venue, "poster": None}
        else:
            poster = poster_resolve(token=token, invalid=error_codes.UNKNOWN_QR)
            body = {
                "kind": "poster",
                "venue": poster.venue,
                "poster": {"id": str(poster.id), "label": poster.label},
            }
        return Response({**body, "venue": VenueOutputSerializer(body["venue"]).data})


class QrKeySetApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="qr_keys",
        description=(
            "The public keys (JWKS, ES256) that poster tokens are signed with, so the app can "
            "verify a poster offline. Tokens carry the key's RFC 7638 thumbprint as `kid`."
        ),
        responses={
            200: inline_serializer(
                name="JsonWebKeySet",
                fields={
                    "keys": serializers.ListField(child=serializers.DictField()),
                },
            )
        },
    )
    def get(self, request):
        response = Response(public_key_set())
        response["Cache-Control"] = "public, max-age=3600"
        return response
