"""Domain errors and the one place that turns any error into the API's envelope.

Every error answered by the API has the body ``{"code", "detail", "fields"?}`` (API.md,
Conventions). Services raise `ApplicationError` with a code from their app's ``error_codes``
module; DRF's own exceptions, Django's ``ValidationError``/``Http404``/``PermissionDenied`` and
anything unexpected are translated here, so no view builds an error body by hand.
"""

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DatabaseError, DataError, IntegrityError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import set_rollback

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ErrorCode:
    """A code of the contract and the one HTTP status it always comes with."""

    code: str
    status: int

    def __str__(self) -> str:
        return self.code


INVALID = ErrorCode("invalid", 400)
NOT_AUTHENTICATED = ErrorCode("not_authenticated", 401)
# An access token past its lifetime: the app refreshes and retries (API.md, "For the app's
# developers"); any other token problem is ``not_authenticated`` (sign in again).
TOKEN_EXPIRED = ErrorCode("token_expired", 401)
PERMISSION_DENIED = ErrorCode("permission_denied", 403)
NOT_FOUND = ErrorCode("not_found", 404)
METHOD_NOT_ALLOWED = ErrorCode("method_not_allowed", 405)
NOT_ACCEPTABLE = ErrorCode("not_acceptable", 406)
REQUEST_TOO_LARGE = ErrorCode("request_too_large", 413)
UNSUPPORTED_MEDIA_TYPE = ErrorCode("unsupported_media_type", 415)
THROTTLED = ErrorCode("throttled", 429)
SERVER_ERROR = ErrorCode("server_error", 500)
SERVICE_UNAVAILABLE = ErrorCode("service_unavailable", 503)


# DRF exception classes -> the contract's generic codes. Order matters: subclasses first.
_CODE_BY_EXCEPTION: tuple[tuple[type[exceptions.APIException], ErrorCode], ...] = (
    (exceptions.ValidationError, INVALID),
    (exceptions.ParseError, INVALID),
    (exceptions.NotAuthenticated, NOT_AUTHENTICATED),
    (exceptions.AuthenticationFailed, NOT_AUTHENTICATED),
    (exceptions.PermissionDenied, PERMISSION_DENIED),
    (exceptions.NotFound, NOT_FOUND),
    (exceptions.MethodNotAllowed, METHOD_NOT_ALLOWED),
    (exceptions.NotAcceptable, NOT_ACCEPTABLE),
    (exceptions.UnsupportedMediaType, UNSUPPORTED_MEDIA_TYPE),
    (exceptions.Throttled, THROTTLED),
)


class ApplicationError(Exception):
    """A rule of the domain refused the request: becomes ``{"code", "detail", **extra}``.

    The status comes with the code. ``extra`` carries more top-level fields the contract names
    for a code (for example ``retry_after`` with ``cooldown``), or ``fields`` for per-field
    messages.
    """

    def __init__(self, error: ErrorCode, detail: str, **extra: Any) -> None:
        super().__init__(detail)
        self.error = error
        self.detail = detail
        self.extra = extra

    @property
    def code(self) -> str:
        return self.error.code

    @property
    def status(self) -> int:
        return self.error.status

    def as_body(self) -> dict[str, Any]:
        return {"code": self.code, "detail": self.detail, **self.extra}

    def as_outcome(self) -> dict[str, Any]:
        """The refusal as a stored outcome (`backend.idempotency.idempotent_page_action`)."""
        return {"error": self.as_body(), "status": self.status}

    @classmethod
    def from_outcome(cls, outcome: dict[str, Any]) -> "ApplicationError":
        """The refusal `as_outcome` stored, raised again on a replay."""
        body = outcome["error"]
        extra = {name: value for name, value in body.items() if name not in ("code", "detail")}
        return cls(ErrorCode(body["code"], outcome["status"]), body["detail"], **extra)


def error_body(
    code: ErrorCode | str, detail: str, fields: Mapping[str, list[str]] | None = None
) -> dict:
    body: dict[str, Any] = {"code": str(code), "detail": detail}
    if fields:
        body["fields"] = dict(fields)
    return body


def flatten_field_errors(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error structure as ``{"a.b": ["message", ...]}``."""
    if isinstance(detail, Mapping):
        flat: dict[str, list[str]] = {}
        for key, value in detail.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            flat.update(flatten_field_errors(value, name))
        return flat
    if isinstance(detail, list) and any(isinstance(item, Mapping | list) for item in detail):
        flat = {}
        for index, item in enumerate(detail):
            flat.update(flatten_field_errors(item, f"{prefix}.{index}" if prefix else str(index)))
        return flat
    messages = detail if isinstance(detail, list) else [detail]
    return {prefix or "non_field_errors": [str(message) for message in messages if message]}


# DRF exceptions raised with one of these codes keep it (accounts.authentication's expired
# access token), rather than their class's generic code.
_KEPT_CODES = {TOKEN_EXPIRED.code: TOKEN_EXPIRED}


def _code_for(exc: exceptions.APIException) -> ErrorCode | str:
    if (kept := _KEPT_CODES.get(str(getattr(exc, "default_code", "")))) is not None:
        return kept
    for exception_class, code in _CODE_BY_EXCEPTION:
        if isinstance(exc, exception_class):
            return code
    return str(exc.default_code)


def api_exception_handler(exc: Exception, context: Mapping[str, Any]) -> Response:
    """DRF's EXCEPTION_HANDLER: every exception a view raises leaves as the envelope."""
    if isinstance(exc, ApplicationError):
        set_rollback()
        return Response(exc.as_body(), status=exc.status)
    if isinstance(exc, RequestDataTooBig):
        # A body with no Content-Length (chunked) that proved too large when read.
        set_rollback()
        return Response(
            error_body(REQUEST_TOO_LARGE, _("The request body is over the size limit.")),
            status=REQUEST_TOO_LARGE.status,
        )
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_serializer_error(exc))
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    if isinstance(exc, DatabaseError) and not isinstance(exc, IntegrityError | DataError):
        # The database is down, restarting or refusing connections: the request may succeed
        # in a moment, which a 500 would not say.
        logger.exception("The database did not answer")
        set_rollback()
        return database_unavailable_response(Response)
    if not isinstance(exc, exceptions.APIException):
        view = context.get("view")
        logger.exception("Unhandled error in %s", type(view).__name__ if view else "a view")
        set_rollback()
        return Response(
            error_body(SERVER_ERROR, _("Something went wrong on our side; it has been logged.")),
            status=500,
        )

    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None):
        headers["Retry-After"] = str(int(exc.wait))

    code = _code_for(exc)
    if isinstance(exc, exceptions.ValidationError):
        body = error_body(code, _("Some fields are invalid."), flatten_field_errors(exc.detail))
    elif isinstance(exc, exceptions.Throttled) and exc.wait is not None:
        body = error_body(code, _throttled_text(int(exc.wait)))
    else:
        body = error_body(code, _detail_text(exc.detail))
    set_rollback()
    return Response(body, status=exc.status_code, headers=headers)


def _throttled_text(wait: int) -> str:
    """DRF's throttling message in the reader's language. DRF formats the number into its
    second sentence before looking it up, so no catalogue can translate that sentence."""
    return " ".join(
        (
            _("Request was throttled."),
            ngettext(
                "Expected available in %(wait)d second.",
                "Expected available in %(wait)d seconds.",
                wait,
            )
            % {"wait": wait},
        )
    )


def _detail_text(detail: Any) -> str:
    if isinstance(detail, Mapping):
        # SimpleJWT puts {"detail", "code", "messages"} in its exceptions.
        return str(detail.get("detail") or next(iter(detail.values()), ""))
    if isinstance(detail, list):
        return " ".join(str(item) for item in detail)
    return str(detail)


def _is_api_path(request) -> bool:
    return request.path.startswith("/api/")


DATABASE_RETRY_AFTER_SECONDS = 30


def database_unavailable_response(response_class=JsonResponse):
    response = response_class(
        error_body(
            SERVICE_UNAVAILABLE,
            _("The service is unavailable for a moment; try again shortly."),
        ),
        status=SERVICE_UNAVAILABLE.status,
    )
    response["Retry-After"] = str(DATABASE_RETRY_AFTER_SECONDS)
    return response


class ApiEnvelopeMiddleware:
    """A 404 or 405 under /api/ that no DRF view answered (an unknown path, whatever DEBUG says:
    with DEBUG on Django answers its HTML technical page instead of handler404) leaves as the
    envelope too. The status is kept, so CommonMiddleware's APPEND_SLASH redirect still works."""

    _ENVELOPES = {  # translated when answered, in the request's language
        404: (NOT_FOUND, gettext_lazy("Not found.")),
        405: (METHOD_NOT_ALLOWED, gettext_lazy("Method not allowed.")),
    }

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        envelope = self._ENVELOPES.get(response.status_code)
        if (
            envelope
            and _is_api_path(request)
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            code, detail = envelope
            replacement = JsonResponse(error_body(code, str(detail)), status=response.status_code)
            if response.has_header("Allow"):
                replacement["Allow"] = response["Allow"]
            return replacement
        return response
