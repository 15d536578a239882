"""Schema helpers: the error envelope, and the codes each operation can answer."""

from collections import defaultdict

from drf_spectacular import openapi
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, inline_serializer
from rest_framework import serializers

from backend.errors import INVALID, NOT_AUTHENTICATED, NOT_FOUND, ErrorCode

ErrorSerializer = inline_serializer(
    name="Error",
    fields={
        "code": serializers.CharField(help_text="Machine-readable error code."),
        "detail": serializers.CharField(help_text="A sentence for humans."),
        "fields": serializers.DictField(
            child=serializers.ListField(child=serializers.CharField()),
            required=False,
            help_text="Per-field messages; only for validation errors.",
        ),
    },
)


IDEMPOTENCY_KEY_PARAMETER = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    description="1-255 characters; a retry with the same key replays the first answer.",
)


def error_responses(*codes: ErrorCode) -> dict[int, OpenApiResponse]:
    """The operation's error responses, one per status, each listing its codes."""
    by_status: dict[int, list[str]] = defaultdict(list)
    for error in codes:
        by_status[error.status].append(error.code)
    return {
        status: OpenApiResponse(
            response=ErrorSerializer,
            description="Error codes: " + ", ".join(f"`{code}`" for code in names),
        )
        for status, names in sorted(by_status.items())
    }


class AutoSchema(openapi.AutoSchema):
    """Names a view's nested serializers after the view: ``RegisterApi.InputSerializer`` is the
    component ``RegisterInput``, so every view can call its own ``InputSerializer`` that."""

    def get_serializer_name(self, serializer, direction):
        name = super().get_serializer_name(serializer, direction)
        owner, _, own_name = type(serializer).__qualname__.rpartition(".")
        if owner:
            name = owner.split(".")[-1].removesuffix("Api") + own_name
        return name

    def get_auth(self):
        """Views that check access themselves (the scoped APIs) say which methods need a
        caller; for those, the schema must not offer anonymous access."""
        auth = super().get_auth()
        requires = getattr(self.view, "requires_authentication", None)
        if requires is not None and requires(self.method):
            auth = [requirement for requirement in auth if requirement]
        return auth

    def _get_response_bodies(self, direction="response"):
        """Statuses every operation of a kind can answer, added where a view left them out:
        401 wherever a caller is required (no token, a bad or expired one), and on paginated
        lists 400 (a bad ``page``/``page_size``) and 404 (a page past the end)."""
        bodies = super()._get_response_bodies(direction)
        implied = []
        if self.get_auth() and all(self.get_auth()):
            implied.append(NOT_AUTHENTICATED)
        paginated = getattr(self.view, "pagination_class", None) is not None
        if self.method == "GET" and paginated and self._is_list_view():
            implied += [INVALID, NOT_FOUND]
        for status, response in error_responses(*implied).items():
            if str(status) not in bodies:
                bodies[str(status)] = self._get_response_for_code(response, str(status))
        return bodies
