"""Schema helpers: the error envelope, the codes and headers each operation can answer.

What the schema says of every operation, beyond what its view declares (``AutoSchema``):
- each error status names its codes as an enum (the view's, plus the ones every operation of
  its kind can answer: ``not_authenticated``/``token_expired`` where a caller is required,
  ``invalid`` and ``not_found`` on paginated lists, ``request_too_large`` and
  ``unsupported_media_type`` where a body is read, ``not_acceptable``, ``throttled``,
  ``server_error`` and ``service_unavailable`` everywhere);
- the headers: ``Retry-After`` on 429 and 503, ``RateLimit-*`` on throttled operations,
  ``Cache-Control`` everywhere, ``Idempotent-Replayed`` where ``Idempotency-Key`` is taken.
The error body's extra fields (``retry_after``, ``distance_m``) are in the one ``Error``
component. Summaries, descriptions and examples are added by ``api_docs/postprocessing.py``.
"""

from collections import defaultdict

from drf_spectacular import openapi
from drf_spectacular.plumbing import get_doc
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, inline_serializer
from rest_framework import serializers

from backend.errors import (
    INVALID,
    NOT_ACCEPTABLE,
    NOT_AUTHENTICATED,
    NOT_FOUND,
    REQUEST_TOO_LARGE,
    SERVER_ERROR,
    SERVICE_UNAVAILABLE,
    THROTTLED,
    TOKEN_EXPIRED,
    UNSUPPORTED_MEDIA_TYPE,
    ErrorCode,
)

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
        "retry_after": serializers.IntegerField(
            required=False,
            min_value=0,
            help_text="Seconds until the request may succeed (`cooldown`).",
        ),
        "distance_m": serializers.FloatField(
            required=False,
            min_value=0,
            help_text="How far the fix was from the venue, in metres (`outside_geofence`).",
        ),
    },
)


IDEMPOTENCY_KEY_PARAMETER = OpenApiParameter(
    "Idempotency-Key",
    {"type": "string", "minLength": 1, "maxLength": 255},
    location=OpenApiParameter.HEADER,
    description="1-255 characters; a retry with the same key replays the first answer.",
)

# Response headers, as components/headers (api_docs/postprocessing.py adds the components).
HEADERS = {
    "Retry-After": {
        "description": "Seconds to wait before trying again.",
        "schema": {"type": "integer", "minimum": 0},
    },
    "RateLimit-Limit": {
        "description": "Requests allowed in the window of the operation's tightest limit.",
        "schema": {"type": "integer", "minimum": 0},
    },
    "RateLimit-Remaining": {
        "description": "Requests left in that window.",
        "schema": {"type": "integer", "minimum": 0},
    },
    "RateLimit-Reset": {
        "description": "Seconds until that window has room again.",
        "schema": {"type": "integer", "minimum": 0},
    },
    "Cache-Control": {
        "description": "`no-store` on every answer given to a signed-in caller.",
        "schema": {"type": "string"},
    },
    "Idempotent-Replayed": {
        "description": "`true` when this answer is the replay of an earlier request's.",
        "schema": {"type": "string", "enum": ["true"]},
    },
    "X-Request-ID": {
        "description": "The request's id (the one sent, when it looks like one): quote it when "
        "reporting a problem; the server's logs carry it.",
        "schema": {"type": "string", "maxLength": 128},
    },
    "Content-Language": {
        "description": "The language of the answer's words (`detail`, Welsh names): `en-gb` or "
        "`cy`, from `Accept-Language`.",
        "schema": {"type": "string"},
    },
    "WWW-Authenticate": {
        "description": "How to authenticate: `Bearer`.",
        "schema": {"type": "string"},
    },
    "Content-Disposition": {
        "description": "A file's name, to save it under.",
        "schema": {"type": "string"},
    },
}


def header_ref(name: str, *, required: bool = False) -> dict:
    component = name.replace("-", "")
    if required:  # a $ref cannot be made required beside it: inline
        return {**HEADERS[name], "required": True}
    return {"$ref": f"#/components/headers/{component}"}


class ErrorResponse(OpenApiResponse):
    """An error status of an operation and the codes it answers with."""

    def __init__(self, codes: list[str]) -> None:
        super().__init__(response=ErrorSerializer, description=_error_description(codes))
        self.error_codes = codes


def _error_description(codes: list[str]) -> str:
    return "Error codes: " + ", ".join(f"`{code}`" for code in codes)


def error_responses(*codes: ErrorCode) -> dict[int, ErrorResponse]:
    """The operation's error responses, one per status, each listing its codes."""
    by_status: dict[int, list[str]] = defaultdict(list)
    for error in codes:
        if error.code not in by_status[error.status]:
            by_status[error.status].append(error.code)
    return {status: ErrorResponse(names) for status, names in sorted(by_status.items())}


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

    def get_description(self):
        """The view's own docstring or its handler's: never one inherited from a base class
        (a scoped base's notes for programmers are no operation's description)."""
        handler = getattr(self.view, self.method.lower(), None)
        own = type(self.view).__dict__.get("__doc__")
        return get_doc(handler) or (get_doc(type(self.view)) if own else "")

    def _map_basic_serializer(self, serializer, direction):
        """In an answer every field is sent (null when it has no value), unless its serializer
        declares it ``required=False`` (sent only sometimes, as a reward's ``voucher``): a
        ModelSerializer's fields with model defaults are not optional to a client."""
        schema = super()._map_basic_serializer(serializer, direction)
        if direction == "response" and schema.get("type") == "object":
            declared = getattr(serializer, "_declared_fields", {})
            sent = [
                name
                for name, field in serializer.fields.items()
                if not field.write_only
                and name in schema.get("properties", {})
                and not (name in declared and not declared[name].required)
            ]
            required = list(schema.get("required", []))
            schema["required"] = required + [name for name in sent if name not in required]
        return schema

    def _insert_field_validators(self, field, schema):
        """A blank-allowed field is ``oneOf [the field, an empty string]``: both branches match
        ``""`` (a URL's ``format`` does not refuse it), so a strict validator refuses every blank
        value. ``anyOf`` says what is meant."""
        super()._insert_field_validators(field, schema)
        if "oneOf" in schema and any(branch.get("maxLength") == 0 for branch in schema["oneOf"]):
            schema["anyOf"] = schema.pop("oneOf")
            for branch in schema["anyOf"]:  # a blank default belongs to the whole, not a branch
                if "default" in branch:
                    schema["default"] = branch.pop("default")

    def _implied_errors(self) -> list[ErrorCode]:
        """The codes every operation of this kind can answer, whatever its view declares."""
        implied = [NOT_ACCEPTABLE, SERVER_ERROR, SERVICE_UNAVAILABLE]
        if self.get_auth() and all(self.get_auth()):
            implied += [NOT_AUTHENTICATED, TOKEN_EXPIRED]
        paginated = getattr(self.view, "pagination_class", None) is not None
        if self.method == "GET" and paginated and self._is_list_view():
            implied += [INVALID, NOT_FOUND]
        if self.method in ("POST", "PUT", "PATCH"):
            implied += [INVALID, REQUEST_TOO_LARGE, UNSUPPORTED_MEDIA_TYPE]
        else:  # a body over the limit is refused before any view, whatever the method
            implied += [REQUEST_TOO_LARGE]
        if self._is_throttled():
            implied.append(THROTTLED)
        return implied

    def _is_throttled(self) -> bool:
        return bool(getattr(self.view, "throttle_classes", None))

    def _takes_idempotency_key(self) -> bool:
        return any(
            isinstance(parameter, OpenApiParameter) and parameter.name == "Idempotency-Key"
            for parameter in self.get_override_parameters()
        )

    def _get_response_bodies(self, direction="response"):
        """The view's responses, with the implied error statuses added where it left them out
        (an implied code of a status it declared is added to that status's codes)."""
        bodies = super()._get_response_bodies(direction)
        for status, response in error_responses(*self._implied_errors()).items():
            if str(status) not in bodies:
                bodies[str(status)] = self._get_response_for_code(response, str(status))
        for response in bodies.values():  # a status answered as JSON or as a file (CSV)
            if any(not media.endswith("json") for media in response.get("content", {})):
                response.setdefault("headers", {})["Content-Disposition"] = header_ref(
                    "Content-Disposition"
                )
        return bodies

    def _get_response_for_code(
        self, serializer, status_code, media_types=None, direction="response"
    ):
        status = str(status_code)
        if isinstance(serializer, ErrorResponse):
            implied = [
                error.code for error in self._implied_errors() if str(error.status) == status
            ]
            codes = serializer.error_codes + [c for c in implied if c not in serializer.error_codes]
            serializer = ErrorResponse(codes)
            media_types = ["application/json"]
        response = super()._get_response_for_code(serializer, status, media_types, direction)
        if isinstance(serializer, ErrorResponse):
            response["content"]["application/json"]["schema"] = {
                "allOf": [
                    {"$ref": "#/components/schemas/Error"},
                    {
                        "type": "object",
                        "properties": {"code": {"type": "string", "enum": serializer.error_codes}},
                    },
                ]
            }
        for media_type, content in response.get("content", {}).items():
            if content.get("schema") == {"type": "string", "format": "binary"}:
                # OpenAPI 3.1's words for raw bytes (a PNG, a PDF): the media type, no JSON type.
                content["schema"] = {"contentMediaType": media_type}
        headers = response.setdefault("headers", {})
        headers["X-Request-ID"] = header_ref("X-Request-ID")
        headers["Content-Language"] = header_ref("Content-Language")
        headers["Cache-Control"] = header_ref("Cache-Control")
        if status == "401":
            headers["WWW-Authenticate"] = header_ref("WWW-Authenticate")
        if self._is_throttled():
            for name in ("RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"):
                headers[name] = header_ref(name)
        if status == "429":
            headers["Retry-After"] = header_ref("Retry-After", required=True)
        elif status == "503":
            headers["Retry-After"] = header_ref("Retry-After")
        if self._takes_idempotency_key():
            headers["Idempotent-Replayed"] = header_ref("Idempotent-Replayed")
        return response
