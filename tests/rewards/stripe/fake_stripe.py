"""A fake Stripe API for tests, served by pytest-httpserver on loopback, for the real
``stripe`` library to talk to (STRIPE_API_BASE points at it).

It speaks what the project uses of Stripe's wire format: form-encoded POST
``/v1/promotion_codes`` (``promotion[type]=coupon``, ``promotion[coupon]``, ``code``,
``max_redemptions``, ``expires_at``, ``metadata[...]``) answering a ``promotion_code`` object;
GET ``/v1/promotion_codes?code=`` answering a list; the Bearer secret key and the
``Stripe-Version`` header; GET ``/v1/coupons/{id}``; errors as ``{"error": {"type", "code",
"message", "param"}}``. Webhook payloads are signed here as Stripe signs them
(``signed_webhook``).

As Stripe does, not kinder: the answer to a POST with an ``Idempotency-Key`` is saved and
replayed for that key (a 500 included, scripted or not; until ``forget_idempotency_keys``, as
Stripe forgets after 24 hours), and a promotion code may not expire after its coupon's
``redeem_by``. Every answer is kept in ``answers`` and checked against the spec's schema
fragments (spec_schemas.py) when the test ends.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import re
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from werkzeug import Request, Response

SECRET_KEY = "sk_test_fake_council_checkins"
WEBHOOK_SECRET = "whsec_test_fake_council_checkins"


@dataclass
class FakeStripe:
    api_version: str
    coupons: dict[str, dict[str, Any]] = field(default_factory=dict)
    promotion_codes: dict[str, dict[str, Any]] = field(default_factory=dict)
    requests: list[dict[str, Any]] = field(default_factory=list)
    answers: list[dict[str, Any]] = field(default_factory=list)
    _replays: dict[str, tuple[int, str]] = field(default_factory=dict)
    _failures: deque = field(default_factory=deque)
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))

    def __post_init__(self):
        if not self.coupons:
            self.add_coupon("FREESWIM")

    def add_coupon(
        self, coupon_id: str, *, redeem_by: int | None = None, valid: bool = True
    ) -> dict[str, Any]:
        """A 100%-off coupon of the council's account, as Stripe lists it."""
        self.coupons[coupon_id] = {
            "id": coupon_id,
            "object": "coupon",
            "amount_off": None,
            "created": int(time.time()),
            "currency": None,
            "duration": "once",
            "livemode": False,
            "max_redemptions": None,
            "metadata": {},
            "name": coupon_id.title(),
            "percent_off": 100.0,
            "redeem_by": redeem_by,
            "times_redeemed": 0,
            "valid": valid,
        }
        return self.coupons[coupon_id]

    def fail(
        self, status: int, *, times: int = 1, error_type: str = "api_error", method: str = ""
    ) -> None:
        """The next ``times`` requests (of ``method``, when given) get this error."""
        for _ in range(times):
            self._failures.append((method, status, error_type))

    def forget_idempotency_keys(self) -> None:
        """Stripe keeps keys for 24 hours; after that a retry is a new request."""
        self._replays.clear()

    def creations(self) -> list[dict[str, Any]]:
        return [
            r for r in self.requests if r["method"] == "POST" and r["path"] == "/v1/promotion_codes"
        ]

    def handle(self, request: Request) -> Response:
        response = self._answer(request)
        self.answers.append(
            {
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "body": json.loads(response.get_data(as_text=True)),
            }
        )
        return response

    def _answer(self, request: Request) -> Response:
        form = {key: request.form.get(key) for key in request.form}
        self.requests.append(
            {
                "method": request.method,
                "path": request.path,
                "form": form,
                "args": dict(request.args),
                "headers": dict(request.headers),
            }
        )
        key = request.headers.get("Idempotency-Key", "") if request.method == "POST" else ""
        if key in self._replays:
            status, body = self._replays[key]
            return Response(
                body,
                status=status,
                content_type="application/json",
                headers={"Idempotent-Replayed": "true", "Idempotency-Key": key},
            )
        response = self._serve(request, form)
        # Stripe saves what an endpoint that began executing answered, 500s too; not a 429.
        if key and response.status_code != 429:
            self._replays[key] = (response.status_code, response.get_data(as_text=True))
        return response

    def _serve(self, request: Request, form: dict[str, str]) -> Response:
        for failure in list(self._failures):
            method, status, error_type = failure
            if not method or method == request.method:
                self._failures.remove(failure)
                return _error(status, error_type, "scripted_failure", f"Scripted failure {status}.")
        if request.headers.get("Authorization") != f"Bearer {SECRET_KEY}":
            return _error(401, "invalid_request_error", "api_key_invalid", "Invalid API Key.")
        if request.headers.get("Stripe-Version") != self.api_version:
            return _error(400, "invalid_request_error", "version_invalid", "Wrong version.")
        if request.path == "/v1/promotion_codes" and request.method == "POST":
            return self._create(form)
        if request.path == "/v1/promotion_codes" and request.method == "GET":
            code = request.args.get("code", "")
            found = [p for p in self.promotion_codes.values() if p["code"].upper() == code.upper()]
            return _json(
                {"object": "list", "data": found, "has_more": False, "url": "/v1/promotion_codes"}
            )
        coupon = re.fullmatch(r"/v1/coupons/([^/]+)", request.path)
        if coupon and request.method == "GET":
            if coupon[1] not in self.coupons:
                return _error(
                    404,
                    "invalid_request_error",
                    "resource_missing",
                    f"No such coupon: '{coupon[1]}'",
                    "id",
                )
            return _json(self.coupons[coupon[1]])
        found = re.fullmatch(r"/v1/promotion_codes/(promo_\w+)", request.path)
        if found and request.method == "POST":
            promotion_code = self.promotion_codes.get(found[1])
            if promotion_code is None:
                return _error(
                    404,
                    "invalid_request_error",
                    "resource_missing",
                    f"No such promotion code: '{found[1]}'",
                    "promotion_code",
                )
            if "active" in form:
                promotion_code["active"] = form["active"] == "true"
            return _json(promotion_code)
        return _error(404, "invalid_request_error", "resource_missing", "Unrecognized request URL.")

    def _create(self, form: dict[str, str]) -> Response:
        if form.get("promotion[type]") != "coupon" or not form.get("promotion[coupon]"):
            return _error(
                400,
                "invalid_request_error",
                "parameter_missing",
                "Missing required param: promotion[coupon].",
                "promotion",
            )
        coupon = form["promotion[coupon]"]
        if coupon not in self.coupons or not self.coupons[coupon]["valid"]:
            return _error(
                400,
                "invalid_request_error",
                "resource_missing",
                f"No such coupon: '{coupon}'",
                "promotion[coupon]",
            )
        redeem_by = self.coupons[coupon]["redeem_by"]
        if redeem_by and form.get("expires_at") and int(form["expires_at"]) > redeem_by:
            return _error(
                400,
                "invalid_request_error",
                "parameter_invalid_integer",
                "The promotion code's `expires_at` may not be after its coupon's `redeem_by`.",
                "expires_at",
            )
        code = form.get("code", "")
        if not re.fullmatch(r"[A-Za-z0-9-]+", code):
            return _error(
                400, "invalid_request_error", "parameter_invalid_string", "Invalid code.", "code"
            )
        if any(
            p["code"].upper() == code.upper() and p["active"] for p in self.promotion_codes.values()
        ):
            return _error(
                400,
                "invalid_request_error",
                "resource_already_exists",
                "An active promotion code with `code` already exists.",
                "code",
            )
        promotion_code = {
            "id": f"promo_{next(self._ids):014d}",
            "object": "promotion_code",
            "active": True,
            "code": code,
            "promotion": {"type": "coupon", "coupon": coupon},
            "created": int(time.time()),
            "customer": None,
            "expires_at": int(form["expires_at"]) if form.get("expires_at") else None,
            "livemode": False,
            "max_redemptions": int(form["max_redemptions"])
            if form.get("max_redemptions")
            else None,
            "metadata": {
                k[len("metadata[") : -1]: v for k, v in form.items() if k.startswith("metadata[")
            },
            "restrictions": {
                "first_time_transaction": False,
                "minimum_amount": None,
                "minimum_amount_currency": None,
            },
            "times_redeemed": 0,
        }
        self.promotion_codes[promotion_code["id"]] = promotion_code
        return _json(promotion_code)


def checkout_completed(
    event_id: str,
    *promotion_codes: str,
    expanded: bool = False,
    payment_status: str = "paid",
    event_type: str = "checkout.session.completed",
    api_version: str = "2026-10-28.endive",
) -> dict:
    """A ``checkout.session.*`` event whose discounts used these promotion codes, from a webhook
    endpoint on ``api_version`` (before 2025-01-27, a session has no ``discounts``)."""
    discounts = [
        {
            "coupon": None,
            "promotion_code": {"id": code, "object": "promotion_code"} if expanded else code,
        }
        for code in promotion_codes
    ]
    event = {
        "id": event_id,
        "object": "event",
        "api_version": api_version,
        "created": int(time.time()),
        "livemode": False,
        "pending_webhooks": 1,
        "type": event_type,
        "data": {
            "object": {
                "id": "cs_test_a1b2c3",
                "object": "checkout.session",
                "amount_total": 0,
                "currency": "gbp",
                "discounts": discounts,
                "mode": "payment",
                "payment_status": payment_status,
                "status": "complete",
            }
        },
    }
    if api_version[:10] < "2025-01-27":
        del event["data"]["object"]["discounts"]
    return event


def signed_webhook(event: dict, *, secret: str = WEBHOOK_SECRET, at: int | None = None):
    """The body and the ``Stripe-Signature`` header Stripe would send for ``event``."""
    payload = json.dumps(event)
    timestamp = at if at is not None else int(time.time())
    signature = hmac.new(
        secret.encode(), f"{timestamp}.{payload}".encode(), hashlib.sha256
    ).hexdigest()
    return payload, f"t={timestamp},v1={signature}"


def _json(body: Any, status: int = 200) -> Response:
    return Response(
        json.dumps(body),
        status=status,
        content_type="application/json",
        headers={"Request-Id": "req_fake"},
    )


def _error(status: int, error_type: str, code: str, message: str, param: str | None = None):
    error = {"type": error_type, "code": code, "message": message}
    if param:
        error["param"] = param
    return _json({"error": error}, status)
