from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt.serializers import TokenObtainPairSerializer

from accounts import error_codes, profile
from accounts.member_codes import member_code_of
from accounts.models import EmailPreferences, User
from accounts.preferences import email_preferences_of, email_preferences_update
from accounts.selectors import user_export
from accounts.services import user_erase, user_register
from accounts.tokens import SignInRefreshToken, token_refresh
from backend import errors
from backend.openapi import error_responses
from backend.throttling import AnonRateThrottle, ScopedRateThrottle


class AuthThrottleMixin:
    """Login, registration and refresh share the stricter ``auth`` rate, keyed per client IP."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [AnonRateThrottle, ScopedRateThrottle]
    throttle_scope = "auth"


class RegisterApi(AuthThrottleMixin, APIView):
    class InputSerializer(serializers.Serializer):
        email = serializers.EmailField(max_length=254)
        password = serializers.CharField(max_length=128, write_only=True)
        display_name = serializers.CharField(max_length=60)
        birth_year = serializers.IntegerField(
            min_value=1800,
            max_value=2200,
            help_text="The year the person was born. Anyone who might be under 13 is refused "
            "with `too_young`: a parent or carer adds them as a child instead.",
        )

    class OutputSerializer(serializers.Serializer):
        id = serializers.UUIDField()
        email = serializers.EmailField()
        display_name = serializers.CharField()
        birth_year = serializers.IntegerField()

    @extend_schema(
        operation_id="auth_register",
        request=InputSerializer,
        responses={
            201: OutputSerializer,
            **error_responses(
                errors.INVALID, error_codes.EMAIL_TAKEN, error_codes.TOO_YOUNG, errors.THROTTLED
            ),
        },
    )
    def post(self, request):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = user_register(**serializer.validated_data)
        return Response(self.OutputSerializer(user).data, status=status.HTTP_201_CREATED)


TokenPairSerializer = inline_serializer(
    name="TokenPair", fields={"access": serializers.CharField(), "refresh": serializers.CharField()}
)


class SignInTokenObtainSerializer(TokenObtainPairSerializer):
    token_class = SignInRefreshToken


class TokenObtainApi(AuthThrottleMixin, APIView):
    class InputSerializer(serializers.Serializer):
        email = serializers.CharField(max_length=254)
        password = serializers.CharField(max_length=128, write_only=True)

    @extend_schema(
        operation_id="auth_token",
        request=InputSerializer,
        responses={
            200: TokenPairSerializer,
            **error_responses(errors.INVALID, error_codes.INVALID_CREDENTIALS, errors.THROTTLED),
        },
    )
    def post(self, request):
        self.InputSerializer(data=request.data).is_valid(raise_exception=True)
        # Django's own request, not DRF's wrapper: django-axes marks a locked-out sign-in on the
        # request it is given, and its middleware (which answers 429) only sees Django's.
        serializer = SignInTokenObtainSerializer(
            data=request.data, context={"request": request._request}
        )
        try:
            serializer.is_valid(raise_exception=True)
        except AuthenticationFailed as exc:
            raise errors.ApplicationError(
                error_codes.INVALID_CREDENTIALS, _("The email or password is wrong.")
            ) from exc
        return Response(serializer.validated_data)


class TokenRefreshApi(AuthThrottleMixin, APIView):
    class InputSerializer(serializers.Serializer):
        refresh = serializers.CharField()

    @extend_schema(
        operation_id="auth_token_refresh",
        request=InputSerializer,
        responses={
            200: TokenPairSerializer,
            **error_responses(
                errors.INVALID,
                errors.NOT_AUTHENTICATED,
                error_codes.TOKEN_REUSED,
                errors.THROTTLED,
            ),
        },
    )
    def post(self, request):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return Response(token_refresh(raw=serializer.validated_data["refresh"]))


# venues.models.Role.Kind's values (accounts cannot import venues); the schema's RoleEnum.
ROLE_KINDS = [(kind, kind) for kind in ("council_admin", "venue_manager", "venue_staff")]


class RoleOutputSerializer(serializers.Serializer):
    council = serializers.SlugField(source="council.slug")
    venue = serializers.UUIDField(source="venue_id", allow_null=True)
    role = serializers.ChoiceField(choices=ROLE_KINDS)


class SchemeCouncilSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()


class SchemeBalanceSerializer(serializers.Serializer):
    scheme = serializers.UUIDField(help_text="The points scheme (the currency)'s id.")
    name = serializers.CharField(help_text="The scheme's name.")
    councils = SchemeCouncilSerializer(
        many=True, help_text="The councils whose catalogs these points buy."
    )
    points = serializers.IntegerField()


class MeApi(APIView):
    class OutputSerializer(serializers.Serializer):
        id = serializers.UUIDField()
        email = serializers.EmailField()
        display_name = serializers.CharField()
        birth_year = serializers.IntegerField(
            allow_null=True,
            help_text="Null for accounts made before ages were asked, until they give one.",
        )
        points_balance = serializers.IntegerField(
            read_only=True,
            help_text="The sum of `balances`: points of different schemes are not interchangeable.",
        )
        balances = SchemeBalanceSerializer(many=True, read_only=True)
        roles = RoleOutputSerializer(many=True, source="roles.all")
        member_code = serializers.CharField(
            source="member_code_shown",
            help_text=(
                "The resident's card number (XXXX-XXXX): staff at the desk check them in with "
                "it. Printable as a card at /wallet/card/."
            ),
        )

    @extend_schema(
        operation_id="me_retrieve",
        responses={200: OutputSerializer, **error_responses(errors.NOT_AUTHENTICATED)},
    )
    def get(self, request):
        user = (
            User.objects.select_related("member_code")
            .prefetch_related("roles__council")
            .get(pk=request.user.pk)
        )
        user.balances = profile.points_balances(user)
        user.points_balance = sum(balance["points"] for balance in user.balances)
        try:
            user.member_code_shown = str(user.member_code)
        except User.member_code.RelatedObjectDoesNotExist:
            user.member_code_shown = member_code_of(user=user)
        return Response(self.OutputSerializer(user).data)

    @extend_schema(
        operation_id="me_erase",
        responses={204: None, **error_responses(errors.NOT_AUTHENTICATED)},
    )
    def delete(self, request):
        user_erase(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


PERSONAL_DATA_EXPORT_SCHEMA = {
    "type": "object",
    "description": (
        "Everything held about the caller (UK GDPR subject access): `account`, then one section "
        "per kind of record each app keeps (`checkins`, `refused_checkins`, `comments`, "
        "`comment_reports`, `points_statement`, `roles`...), each a list of records, and "
        "`children`: the same about each of the caller's children (`account` then the sections)."
    ),
    "properties": {
        "account": {
            "type": "object",
            "properties": {
                "id": {"type": "string", "format": "uuid"},
                "email": {"type": "string", "format": "email"},
                "display_name": {"type": "string"},
                "birth_year": {"type": ["integer", "null"]},
                "date_joined": {"type": "string", "format": "date-time"},
                "last_login": {"type": ["string", "null"], "format": "date-time"},
                "member_code": {
                    "type": ["string", "null"],
                    "description": "The card number staff type at the desk (XXXX-XXXX).",
                },
            },
            "required": ["id", "email", "display_name", "date_joined", "last_login"],
        },
        "email_preferences": {
            "type": "object",
            "properties": {
                "wants_reply_emails": {"type": "boolean"},
                "comment_alerts": {"type": "string", "enum": ["at_once", "in_digest"]},
            },
            "required": ["wants_reply_emails", "comment_alerts"],
        },
    },
    "required": ["account"],
    "additionalProperties": {"type": "array", "items": {"type": "object"}},
}


class MeExportApi(APIView):
    @extend_schema(
        operation_id="me_export",
        responses={
            200: PERSONAL_DATA_EXPORT_SCHEMA,
            **error_responses(errors.NOT_AUTHENTICATED),
        },
    )
    def get(self, request):
        return Response(user_export(user=request.user))


class JsonBooleanField(serializers.BooleanField):
    """JSON ``true`` or ``false`` only: the schema says boolean, so 0, 1 and "yes" are refused
    rather than guessed at."""

    def to_internal_value(self, data):
        if isinstance(data, bool):
            return data
        self.fail("invalid", input=data)


class MeEmailPreferencesApi(APIView):
    """What the caller chose to get by email (accounts.preferences): replies to their comments,
    and, for venue managers and council admins, how they hear of low-rated and reported
    comments. PATCH changes any of them."""

    class Serializer(serializers.Serializer):
        wants_reply_emails = JsonBooleanField(
            required=False, help_text="Email me when a venue replies to my comment."
        )
        comment_alerts = serializers.ChoiceField(
            choices=EmailPreferences.CommentAlerts.values,
            required=False,
            help_text="Staff of a venue: hear of a comment rated 1 or 2, or hidden by reports, "
            "by email `at_once`, or only `in_digest` (the weekly digest).",
        )

    @extend_schema(
        operation_id="me_email_preferences_retrieve",
        responses={200: Serializer, **error_responses(errors.NOT_AUTHENTICATED)},
    )
    def get(self, request):
        return Response(self.Serializer(email_preferences_of(request.user)).data)

    @extend_schema(
        operation_id="me_email_preferences_update",
        request=Serializer,
        responses={200: Serializer, **error_responses(errors.INVALID, errors.NOT_AUTHENTICATED)},
    )
    def patch(self, request):
        serializer = self.Serializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        preferences = email_preferences_update(user=request.user, **serializer.validated_data)
        return Response(self.Serializer(preferences).data)
