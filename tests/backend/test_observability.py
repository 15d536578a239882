"""Request ids on responses and log lines, JSON logs, Sentry only with a DSN, /metrics kept
from the public."""

import io
import json
import logging
import runpy
import uuid

import pytest
import sentry_sdk
from celery.signals import before_task_publish
from django.conf import settings as django_settings

from backend import celery_app
from backend.observability import (
    TASK_HEADER,
    JsonFormatter,
    RequestIdFilter,
    request_id_from,
    request_id_var,
)

pytestmark = pytest.mark.django_db

SETTINGS_FILE = django_settings.BASE_DIR / "backend" / "settings.py"


@pytest.fixture
def json_log():
    """What the django.request logger writes, through the production formatter and filter."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    logger.removeHandler(handler)


# --- Request ids ---


def test_a_request_without_an_id_gets_a_fresh_uuid(client):
    first = client.get("/healthz")["X-Request-ID"]
    second = client.get("/healthz")["X-Request-ID"]
    assert uuid.UUID(first).version == 4 and first != second


def test_a_sane_id_from_the_proxy_is_kept(client):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="lb-7f3a9c1e.0001")
    assert response["X-Request-ID"] == "lb-7f3a9c1e.0001"


@pytest.mark.parametrize(
    "sent",
    [
        "short",
        "x" * 129,
        "has space in it",
        'quote"injected',
        "line\nbreak-forged",
        "-leading-dash",
    ],
)
def test_an_id_that_is_not_sane_is_replaced(sent):
    made = request_id_from(sent)
    assert made != sent and uuid.UUID(made).version == 4


def test_every_log_line_of_a_request_carries_its_id_as_json(client, json_log):
    response = client.get("/api/x/", HTTP_X_REQUEST_ID="trace-0123456789")
    assert response.status_code == 404

    [line] = json_log()
    assert line["request_id"] == "trace-0123456789"
    assert line["level"] == "WARNING" and line["name"] == "django.request"
    assert line["message"] == "Not Found: /api/x/" and "time" in line


def test_a_log_line_outside_a_request_has_no_id(json_log):
    logging.getLogger("django.request").warning("outside")
    assert json_log()[0]["request_id"] == "-"


def test_production_logs_are_json_and_development_logs_plain(monkeypatch):
    monkeypatch.setenv("DEBUG", "false")
    assert runpy.run_path(str(SETTINGS_FILE))["LOGGING"]["handlers"]["console"]["formatter"] == (
        "json"
    )
    monkeypatch.setenv("DEBUG", "true")
    assert runpy.run_path(str(SETTINGS_FILE))["LOGGING"]["handlers"]["console"]["formatter"] == (
        "plain"
    )


# --- Sentry ---


@pytest.fixture
def sentry_calls(monkeypatch):
    calls = []
    monkeypatch.setattr(sentry_sdk, "init", lambda **options: calls.append(options))
    return calls


def test_without_a_dsn_nothing_goes_to_sentry(monkeypatch, sentry_calls):
    monkeypatch.setenv("SENTRY_DSN", "")
    runpy.run_path(str(SETTINGS_FILE))
    assert sentry_calls == []


def test_with_a_dsn_web_and_worker_errors_go_to_sentry_without_personal_data(
    monkeypatch, sentry_calls
):
    monkeypatch.setenv("SENTRY_DSN", "https://key@sentry.example.org/42")
    monkeypatch.setenv("SENTRY_ENVIRONMENT", "staging")
    monkeypatch.setenv("SENTRY_RELEASE", "abc123")
    runpy.run_path(str(SETTINGS_FILE))

    [options] = sentry_calls
    assert options["dsn"] == "https://key@sentry.example.org/42"
    assert options["send_default_pii"] is False
    assert (options["environment"], options["release"]) == ("staging", "abc123")
    assert {type(integration).__name__ for integration in options["integrations"]} == {
        "DjangoIntegration",
        "CeleryIntegration",
    }


# --- /metrics ---


def test_metrics_are_not_public_by_default(client):
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer ").status_code == 404


def test_metrics_with_the_token(client, settings):
    settings.METRICS_TOKEN = "scrape-secret-0123456789"
    client.get("/healthz")

    response = client.get("/metrics", HTTP_AUTHORIZATION="Bearer scrape-secret-0123456789")
    assert response.status_code == 200
    assert b"django_http_requests_total_by_view_transport_method_total" in response.content
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 404


def test_metrics_from_an_allowed_network_but_not_through_a_proxy(client, settings):
    settings.METRICS_ALLOWED_NETWORKS = ["10.0.0.0/8"]
    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="192.0.2.7").status_code == 404
    # Through the public load balancer (an internal address, with X-Forwarded-For): refused.
    assert (
        client.get("/metrics", REMOTE_ADDR="10.1.2.3", HTTP_X_FORWARDED_FOR="203.0.113.9")
    ).status_code == 404


# --- Request ids in jobs ---


def test_a_job_queued_while_a_request_is_handled_carries_its_id_in_the_message():
    """The publish signal as connected at start-up: the message's headers take the id."""
    handled = request_id_var.set("trace-0123456789")
    try:
        headers = {}
        before_task_publish.send(
            sender="any.task", body=(), headers=headers, exchange="", routing_key=""
        )
    finally:
        request_id_var.reset(handled)
    assert headers[TASK_HEADER] == "trace-0123456789"


def test_a_job_queued_outside_any_request_carries_no_id():
    headers = {}
    before_task_publish.send(
        sender="any.task", body=(), headers=headers, exchange="", routing_key=""
    )
    assert TASK_HEADER not in headers


@pytest.fixture
def job_log():
    """A task that logs a line, and the JSON lines written while it runs."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("tests.jobs")
    logger.addHandler(handler)

    @celery_app.task(name="tests.backend.log_a_line")
    def log_a_line():
        logger.warning("in the job")

    yield log_a_line, lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    logger.removeHandler(handler)
    celery_app.tasks.pop("tests.backend.log_a_line", None)


def test_a_jobs_lines_carry_the_id_it_was_queued_with_and_lines_after_it_do_not(job_log):
    task, lines = job_log
    task.apply(headers={TASK_HEADER: "lb-7f3a9c1e.0001"})  # as a worker receives it
    logging.getLogger("tests.jobs").warning("after the job")
    assert [(line["message"], line["request_id"]) for line in lines()] == [
        ("in the job", "lb-7f3a9c1e.0001"),
        ("after the job", "-"),
    ]


def test_an_id_in_a_message_that_is_not_sane_is_not_logged(job_log):
    task, lines = job_log
    task.apply(headers={TASK_HEADER: 'forged"\nline'})
    assert lines()[0]["request_id"] == "-"
