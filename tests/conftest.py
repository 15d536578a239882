from datetime import datetime, timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.client import Client
from django.utils import timezone
from rest_framework.test import APIClient

from tests.factories import UserFactory
from tests.openapi_contract import validate_answer


@pytest.fixture(autouse=True, scope="session")
def _every_api_answer_keeps_the_schema():
    """Every answer the test clients get from /api/v1/ is validated against the served schema
    (tests/openapi_contract.py says how, and what a failure names)."""
    original = Client.request

    def request(self, **kwargs):
        response = original(self, **kwargs)
        validate_answer(response)
        return response

    Client.request = request
    yield
    Client.request = original


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Throttle counters and cached values never leak from one test into another."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def resident(db):
    return UserFactory(display_name="Rosa Resident")


@pytest.fixture
def resident_client(resident) -> APIClient:
    client = APIClient()
    client.force_authenticate(resident)
    return client


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


is_postgresql = connection.vendor == "postgresql"
postgres_only = pytest.mark.skipif(
    not is_postgresql, reason="needs PostgreSQL (real row locks and concurrency); CI runs it"
)


class Clock:
    """What ``django.utils.timezone.now()`` answers while the ``clock`` fixture is in use."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


@pytest.fixture
def clock(monkeypatch) -> Clock:
    """Stops time for every caller of ``timezone.now()`` (services, selectors, views), so a
    test moves it with ``clock.advance(minutes=5)`` instead of patching one module's import."""
    frozen = Clock(timezone.now())
    monkeypatch.setattr(timezone, "now", lambda: frozen.now)
    return frozen


MIGRATION_TESTS = "migration"  # in the module's name: the tests that run the migrations themselves


def pytest_collection_modifyitems(config, items) -> None:
    """Give the ``postgres`` marker to every test skipped without PostgreSQL (``postgres_only``,
    and the worker tests that need PostgreSQL and Redis), so ``pytest -m postgres`` (``make
    test-pg``) selects exactly them. With ``--no-migrations`` (``make test-fast``) the tables
    come from the models, so the tests of the migrations themselves are skipped."""
    no_migrations = config.getoption("nomigrations", default=False)
    skip_migrations = pytest.mark.skip(reason="--no-migrations: the migrations are not run")
    for item in items:
        if no_migrations and MIGRATION_TESTS in item.path.name:
            item.add_marker(skip_migrations)
        if any(
            mark.kwargs.get("reason", "").startswith("needs PostgreSQL")
            for mark in item.iter_markers("skipif")
        ):
            item.add_marker(pytest.mark.postgres)
