"""Sentry-style helpers: a test reads as a table of expected statuses and error codes."""

from typing import Any

from rest_framework.test import APIClient


def _call(client: APIClient, method: str, path: str, data: Any = None, **extra):
    return getattr(client, method)(path, data=data, format="json", **extra)


def success(
    client: APIClient, method: str, path: str, data: Any = None, *, status: int = 200, **extra
):
    response = _call(client, method, path, data, **extra)
    assert response.status_code == status, (response.status_code, getattr(response, "data", None))
    return response


def error(
    client: APIClient, method: str, path: str, data: Any = None, *, status: int, code: str, **extra
):
    """The call fails with ``status`` and the envelope's ``code``; returns the body."""
    response = _call(client, method, path, data, **extra)
    assert response.status_code == status, (response.status_code, response.content[:500])
    body = response.json()
    assert body["code"] == code, body
    assert isinstance(body["detail"], str) and body["detail"]
    assert set(body) <= {"code", "detail", "fields", "retry_after", "distance_m"}, body
    return body
