"""Operations: JSON logs carrying a request id, error reporting to Sentry, Prometheus metrics.

Settings live here so settings.py stays readable; it takes them with
``vars().update(observability.settings_from(env, debug=DEBUG))``. Every variable is in
`.env.example` and README "Operations".

- Every request has an id: a sane ``X-Request-ID`` from the proxy in front is kept, anything else
  is replaced by a fresh uuid4; it is on every log line written while the request is handled
  and goes back as the response's ``X-Request-ID``, so a user's report, the proxy's log and ours
  meet on one value. A job queued while it is handled carries it in its message's headers
  (``x_request_id``), and the worker's lines for that job carry it too (the Celery signals
  below, connected in ``BackendConfig.ready``); a job queued by that job passes it on.
- Sentry only when ``SENTRY_DSN`` is set, never with personal data (``send_default_pii=False``).
- ``/metrics`` (backend/metrics.py) answers 404 unless a token or an internal network allows it.
"""

import contextvars
import logging
import re
import uuid

import sentry_sdk
from django.core.exceptions import ImproperlyConfigured
from pythonjsonlogger.json import JsonFormatter as _JsonFormatter

REQUEST_ID_HEADER = "X-Request-ID"
# What an id from outside may look like: a uuid, a proxy's hex or dotted id; nothing that could
# forge a log line or a header (no spaces, quotes, control characters), and not too long.
_SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{7,127}")

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")


def request_id_from(value: str | None) -> str:
    """The id to use for a request sending ``value`` as its X-Request-ID (None: none sent)."""
    if value and _SANE_REQUEST_ID.fullmatch(value):
        return value
    return str(uuid.uuid4())


def request_began(*, environ: dict, **kwargs) -> None:
    """``request_started``: the id is set before any middleware runs, so that the lines Django
    writes itself after the response (django.request's "Not Found: ...") carry it too."""
    request_id_var.set(request_id_from(environ.get("HTTP_X_REQUEST_ID")))


def request_ended(**kwargs) -> None:
    """``request_finished``: lines written between requests carry no id."""
    request_id_var.set("-")


# The message header that carries the id of the request (or job) that queued a job.
TASK_HEADER = "x_request_id"
# The context of each job that runs under a queued id, to restore when it ends (by task id).
_task_contexts: dict[str, contextvars.Token[str]] = {}


def task_published(*, headers: dict | None = None, **kwargs) -> None:
    """``before_task_publish``: a job queued while a request (or a job) is handled takes its
    id along in the message's headers."""
    request_id = request_id_var.get()
    if headers is not None and request_id != "-":
        headers.setdefault(TASK_HEADER, request_id)


def task_started(*, task_id: str, task, **kwargs) -> None:
    """``task_prerun``: the job's lines carry the id it was queued with (a job run in-process,
    as in tests and without a broker, keeps the caller's, since it runs in the caller's
    context)."""
    context = task.request
    sent = getattr(context, TASK_HEADER, None) or (context.headers or {}).get(TASK_HEADER)
    if sent and _SANE_REQUEST_ID.fullmatch(str(sent)):
        _task_contexts[task_id] = request_id_var.set(sent)


def task_ended(*, task_id: str, **kwargs) -> None:
    """``task_postrun``: lines written between jobs carry no id (or the caller's again)."""
    token = _task_contexts.pop(task_id, None)
    if token is not None:
        request_id_var.reset(token)


class RequestIdMiddleware:
    """First in MIDDLEWARE: the request's id on ``request.request_id`` and on the response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = request_id_var.get()
        if request_id == "-":  # a handler that sent no request_started (RequestFactory)
            request_id = request_id_from(request.headers.get(REQUEST_ID_HEADER))
            request_id_var.set(request_id)
        request.request_id = request_id
        response = self.get_response(request)
        response[REQUEST_ID_HEADER] = request_id
        return response


class RequestIdFilter(logging.Filter):
    """Puts ``request_id`` on every record ("-" outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        return True


class JsonFormatter(_JsonFormatter):
    """One JSON object per line: time, level, logger, request_id, message (and exc_info)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("fmt", "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s")
        kwargs.setdefault("rename_fields", {"asctime": "time", "levelname": "level"})
        super().__init__(*args, **kwargs)


def logging_config(*, log_format: str, level: str) -> dict:
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": "backend.observability.RequestIdFilter"}},
        "formatters": {
            "json": {"()": "backend.observability.JsonFormatter"},
            "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": log_format,
                "filters": ["request_id"],
            }
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            "django.db.backends": {"level": "WARNING"},
            # django-axes logs every sign-in at INFO; failures and lockouts are WARNING.
            "axes": {"level": "WARNING"},
        },
    }


def sentry_init(*, dsn: str, environment: str, release: str, traces_sample_rate: float) -> None:
    """Errors of the web processes and the Celery workers go to Sentry; no personal data."""
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release or None,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        send_default_pii=False,
        traces_sample_rate=traces_sample_rate,
    )


def settings_from(env, *, debug: bool) -> dict:
    """The settings of this module, read from the environment."""
    log_format = env.str("LOG_FORMAT", default="plain" if debug else "json")
    if log_format not in {"json", "plain"}:
        raise ImproperlyConfigured("LOG_FORMAT is json or plain.")
    sentry_dsn = env.str("SENTRY_DSN", default="")
    sentry_environment = env.str(
        "SENTRY_ENVIRONMENT", default="development" if debug else "production"
    )
    sentry_release = env.str("SENTRY_RELEASE", default="")
    if sentry_dsn:
        sentry_init(
            dsn=sentry_dsn,
            environment=sentry_environment,
            release=sentry_release,
            traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
        )
    return {
        "LOGGING": logging_config(
            log_format=log_format, level=env.str("LOG_LEVEL", default="INFO")
        ),
        # Workers log through LOGGING too (JSON, one format), not Celery's own root handler.
        "CELERY_WORKER_HIJACK_ROOT_LOGGER": False,
        "SENTRY_DSN": sentry_dsn,
        "SENTRY_ENVIRONMENT": sentry_environment,
        "SENTRY_RELEASE": sentry_release,
        # /metrics: "Bearer <METRICS_TOKEN>", or a client address in one of these networks that
        # came straight in (no X-Forwarded-For: not through the public proxy). Neither: 404.
        "METRICS_TOKEN": env.str("METRICS_TOKEN", default=""),
        "METRICS_ALLOWED_NETWORKS": env.list("METRICS_ALLOWED_NETWORKS", default=[]),
    }
