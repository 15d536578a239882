"""Schemathesis against the API's own OpenAPI schema, in-process (the WSGI app), with every
check: no 500s, responses match their schema, every status is documented, data the schema
refuses is refused and data it allows is accepted. Bounded for `make test` (fixed seed,
derandomized, a few examples per operation); `make fuzz` runs it longer (FUZZ_EXAMPLES).

Skipped operations, with their reasons:
- POST /api/v1/webhooks/stripe/: only Stripe can sign a body (tests/rewards/stripe cover it).
- POST /api/v1/venues/{id}/foursquare-sync/: queues a call to Foursquare (tests/venues/foursquare).
A schema-valid request may still be refused by a rule the schema cannot state as a shape, but
now names as a code of the operation (its error enums). For these operations "positive data
accepted" is checked with the statuses of those rules allowed too (``rule_statuses``); the
body's code must then be one the schema declares for that status (the conformance check):
- POST auth/register/: password strength (Django's validators); `email_taken`.
- POST catalog/, offers/, venues/: fields that go together (a venue or a council; what an offer
  rule needs; coordinates or an address that can be geocoded: `geocoding_failed`).
- POST catalog/{item_id}/claim/: `insufficient_points`, `out_of_stock`.
- POST checkins/: the geofence, the accuracy, the QR signature, the cooldown (`outside_geofence`,
  `cooldown`, ...).
- POST checkins/assisted/: the venue must exist and be open, the resident's travel possible
  (`cooldown`, `impossible_travel`).
- POST vouchers/redeem/: a staff member of several venues must name one; `already_redeemed`...
- POST me/children/: a child is under 18 this year, and has a first name that is not blank.
Throttles are lifted (their own tests cover them): they make answers depend on the order of
examples, not on the request.
"""

import json
import os

import hypothesis
import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from rest_framework.throttling import SimpleRateThrottle
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from backend.throttling import SlidingWindowThrottle
from backend.wsgi import application

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "3"))
ROLES = os.environ.get("FUZZ_ROLES", "resident,manager,council_admin").split(",")
SKIPPED = {("POST", "/api/v1/webhooks/stripe/"), ("POST", "/api/v1/venues/{id}/foursquare-sync/")}

RULE_BOUND_400 = {
    ("POST", "/api/v1/auth/register/"),
    ("POST", "/api/v1/catalog/"),
    ("POST", "/api/v1/offers/"),
    ("POST", "/api/v1/venues/"),
    ("POST", "/api/v1/catalog/{item_id}/claim/"),
    ("POST", "/api/v1/checkins/"),
    ("POST", "/api/v1/checkins/assisted/"),
    ("POST", "/api/v1/vouchers/redeem/"),
    ("POST", "/api/v1/me/children/"),
}

# The schema /api/schema/ serves, generated in-process (no request: ALLOWED_HOSTS may be empty
# here with DEBUG off); the calls then go to the WSGI app.
schema = schemathesis.openapi.from_dict(
    json.loads(
        OpenApiJsonRenderer().render(SchemaGenerator().get_schema(request=None, public=True))
    )
)
schema.app = application
schema.config.generation.update(modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE])


@pytest.fixture
def _connections_kept():
    """The WSGI app is called directly, not through Django's test client, so the test's
    connection (inside its transaction) must not be closed after each request, as the test
    client arranges too."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def world(db, monkeypatch, settings, _connections_kept):
    """A council with a venue, an offer, a catalog item and a voucher; a resident, a venue
    manager and a council admin, each with a bearer token."""
    from rest_framework_simplejwt.tokens import RefreshToken

    from rewards.catalog.services import catalog_item_create
    from rewards.offers.services import offer_create
    from tests.factories import UserFactory, VenueFactory, council_admin_of, venue_manager_of
    from tests.rewards.helpers import issued_voucher

    settings.ALLOWED_HOSTS = ["localhost"]
    for throttle in (SimpleRateThrottle, SlidingWindowThrottle):
        monkeypatch.setattr(throttle, "allow_request", lambda self, request, view: True)
    venue = VenueFactory()
    offer_create(
        council=None, venue=venue, created_by=None, title="Ten", rule="every_checkin", points=10
    )
    item = catalog_item_create(council=venue.council, venue=venue, title="Tea", cost_points=5)
    resident = UserFactory()
    issued_voucher(resident, item)
    users = {
        "resident": resident,
        "manager": venue_manager_of(venue),
        "council_admin": council_admin_of(venue.council),
    }
    return {
        role: {"Authorization": f"Bearer {RefreshToken.for_user(user).access_token}"}
        for role, user in users.items()
    }


# Codes every operation may answer whatever the data: not the refusal of a rule.
# (``idempotency_key_reused`` is one: the examples reuse a key with other bodies.)
GENERIC_CODES = {
    "invalid",
    "not_authenticated",
    "token_expired",
    "not_acceptable",
    "request_too_large",
    "unsupported_media_type",
    "throttled",
    "server_error",
    "service_unavailable",
}


def rule_statuses(operation: dict) -> set[int]:
    """The success statuses, and those of the operation's error codes that name a rule."""
    statuses = set()
    for status, response in operation["responses"].items():
        schema = response.get("content", {}).get("application/json", {}).get("schema", {})
        parts = schema.get("allOf", [{}, {}])
        codes = set(parts[-1].get("properties", {}).get("code", {}).get("enum", []))
        if status.startswith("2") or codes - GENERIC_CODES:
            statuses.add(int(status))
    return statuses


# Operations whose rules that no shape can say (fields that go together, a body's reference to
# a row that must exist) are answered 400 `invalid` with the field named: 400 is then allowed.
INVALID_IS_A_RULE = RULE_BOUND_400 - {("POST", "/api/v1/catalog/{item_id}/claim/")}


@schemathesis.check
def positive_data_refused_only_by_a_named_rule(ctx, response, case):
    """For the rule-bound operations (registered checks run on every operation): schema-valid
    data is accepted, or refused with a status whose codes name a rule."""
    operation = (case.method.upper(), case.path)
    if operation not in RULE_BOUND_400:
        return None
    if case.meta is None or not case.meta.generation.mode.is_positive:
        return None
    allowed = rule_statuses(case.operation.definition.raw)
    if operation in INVALID_IS_A_RULE:
        allowed.add(400)
    if response.status_code not in allowed and response.status_code not in (401, 403, 404):
        raise AssertionError(
            f"Valid data refused with {response.status_code} (allowed: {sorted(allowed)}): "
            f"{response.text[:300]}"
        )
    return None


@pytest.mark.parametrize("role", ROLES)
@schema.parametrize()
@hypothesis.settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(hypothesis.HealthCheck),
    phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],
)
@hypothesis.seed(20260101)
def test_the_api_keeps_its_schema(case, role, world):
    if (case.method.upper(), case.path) in SKIPPED:
        pytest.skip("needs an external service (see the module's docstring)")
    operation = (case.method.upper(), case.path)
    excluded = [positive_data_acceptance] if operation in RULE_BOUND_400 else []
    case.call_and_validate(headers=world[role], excluded_checks=excluded)
