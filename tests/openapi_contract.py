"""Every API answer a test receives is checked against the served OpenAPI schema.

The one place of the mechanism: ``tests/conftest.py`` wraps Django's test ``Client.request``
(``APIClient`` inherits it), and every response to a path under ``/api/v1/`` is validated by
openapi-core against the schema ``/api/schema/`` serves (generated in-process once per run):
the status must be declared for the operation, the body must match that status's schema for
its content type, and every declared header the answer carries must match its schema. Headers
an app acts on (``API_HEADERS``) must be declared when sent. A drift fails the test with the
operation, the status and openapi-core's words, e.g.::

    The answer breaks the schema: POST /api/v1/checkins/ -> 409 (operation checkins_create):
    InvalidData: ... 'retry_after' ...

Not validated: paths that no operation of the schema names (an unknown URL's 404, a method
the path does not have), which have nothing to be held to, and the schema and docs themselves.
A test that must see an answer outside the contract on purpose (none does today) can use
``schema_validation_off()``.
"""

import json
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from typing import TYPE_CHECKING, Any

from werkzeug.datastructures import Headers, ImmutableMultiDict

# openapi-core is imported where it is first used: importing it costs ~0.6 s, which every test
# run paid at start-up (tests/conftest.py imports this module), API tests or not.
if TYPE_CHECKING:
    from openapi_core import OpenAPI

API_PREFIX = "/api/v1/"

# The response headers of the API's own (Django's and the proxies' plumbing aside: Vary,
# Content-Length, X-Frame-Options...): sent without a declaration they would be invisible to a
# generated client, so the schema must name each wherever it is sent.
API_HEADERS = (
    "Retry-After",
    "RateLimit-Limit",
    "RateLimit-Remaining",
    "RateLimit-Reset",
    "Idempotent-Replayed",
    "Cache-Control",
    "X-Request-ID",
    "Content-Language",
    "WWW-Authenticate",
    "Content-Disposition",
)

_enabled = [True]


@contextmanager
def schema_validation_off() -> Iterator[None]:
    _enabled.append(False)
    try:
        yield
    finally:
        _enabled.pop()


@cache
def served_schema() -> dict[str, Any]:
    """The schema exactly as ``/api/schema/?format=json`` serves it (same generator and
    renderer), without a request (ALLOWED_HOSTS may be empty in tests)."""
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.renderers import OpenApiJsonRenderer

    document = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(document))


@cache
def _openapi() -> "OpenAPI":
    from openapi_core import Config, OpenAPI
    from openapi_core.deserializing.media_types.util import plain_loads

    # CSV answers are text (the schema says ``type: string``), read as openapi-core reads text/plain
    config = Config(extra_media_type_deserializers={"text/csv": plain_loads})
    return OpenAPI.from_dict(served_schema(), config=config)


class _Request:
    """The request as openapi-core reads it, addressed to the schema's first server so that the
    operation is found by the path alone (the test client's host is ``testserver``)."""

    def __init__(self, django_request, path: str) -> None:
        from openapi_core.datatypes import RequestParameters

        self.host_url = served_schema()["servers"][0]["url"].rstrip("/")
        self.path = path
        self.path_pattern = None
        self.method = django_request.method.lower()
        self.body = b""
        self.content_type = django_request.META.get("CONTENT_TYPE", "")
        self.parameters = RequestParameters(
            query=ImmutableMultiDict(django_request.GET),
            header=Headers(django_request.headers.items()),
            cookie=ImmutableMultiDict(dict(django_request.COOKIES)),
            path={},
        )


class _Response:
    def __init__(self, response) -> None:
        self.status_code = response.status_code
        self.content_type = response.get("Content-Type", "")
        self.headers = Headers(response.headers.items())
        if getattr(response, "streaming", False):
            content = b"".join(response.streaming_content)
            response.streaming_content = [content]
            self.data = content
        else:
            self.data = response.content


def _operation(method: str, path: str) -> tuple[str, dict] | None:
    """The schema's template path and operation for a concrete path, or None."""
    from openapi_core.templating.paths.exceptions import (
        OperationNotFound,
        PathNotFound,
        PathsNotFound,
        ServerNotFound,
    )
    from openapi_core.templating.paths.finders import APICallPathFinder

    spec = _openapi().spec
    base = served_schema()["servers"][0]["url"].rstrip("/")
    candidates = [path] if path.endswith("/") or "." in path.rsplit("/", 1)[-1] else [path + "/"]
    candidates.append(path)
    for candidate in candidates:
        try:
            found = APICallPathFinder(spec, base_url=None).find(method, base + candidate)
        except (PathNotFound, OperationNotFound, PathsNotFound, ServerNotFound):
            continue
        template = found.path.parts[-1]
        return candidate, served_schema()["paths"][template][method]
    return None


class SchemaDrift(AssertionError):
    pass


def validate_answer(response) -> None:
    """Raise ``SchemaDrift`` when ``response`` (a test client's answer to an ``/api/v1/``
    request) is not what the schema says that operation answers."""
    request = response.wsgi_request
    if not _enabled[-1] or not request.path.startswith(API_PREFIX):
        return
    method = request.method.lower()
    found = _operation(method, request.path)
    if found is None:
        return
    path, operation = found
    status = str(response.status_code)
    where = (
        f"{request.method} {request.path} -> {status} "
        f"(operation {operation.get('operationId', '?')})"
    )
    errors = []
    try:
        _openapi().validate_response(_Request(request, path), _Response(response))
    except Exception as exc:  # openapi-core's errors carry their causes
        errors.append(_describe(exc))
    declared = operation.get("responses", {}).get(status, {}).get("headers", {})
    declared_lower = {name.lower() for name in declared}
    for name in API_HEADERS:
        if response.has_header(name) and name.lower() not in declared_lower:
            errors.append(f"header {name} is sent but not declared for {status}")
    if errors:
        raise SchemaDrift(
            f"The answer breaks the schema: {where}: "
            + "; ".join(errors)
            + f"\nbody: {response.content[:600]!r}"
        )


def _describe(exc: BaseException) -> str:
    parts = [f"{type(exc).__name__}: {exc}"]
    seen = {id(exc)}
    cause = exc.__cause__ or exc.__context__
    while cause is not None and id(cause) not in seen:
        seen.add(id(cause))
        parts.append(f"{type(cause).__name__}: {cause}")
        for sub in getattr(cause, "schema_errors", ()) or ():
            location = "/".join(str(p) for p in sub.absolute_path)
            parts.append(f"at {location or '(body)'}: {sub.message}")
        cause = cause.__cause__ or cause.__context__
    return " <- ".join(parts)
