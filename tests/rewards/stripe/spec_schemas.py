"""JSON Schema fragments of Stripe's answers, copied from Stripe's OpenAPI spec (``spec3.json``
of github.com/stripe/openapi, API version 2026-09-30.endive: ``components.schemas.coupon``,
``promotion_code``, ``checkout.session`` and ``error``), trimmed to the fields the project
reads or the fake sends. Every answer of the fake is checked against them when a test ends."""

from typing import Any

import jsonschema

_METADATA = {"type": "object", "additionalProperties": {"type": "string"}}
_INT_OR_NULL = {"type": ["integer", "null"]}

COUPON = {
    "type": "object",
    "required": ["id", "object", "created", "duration", "livemode", "times_redeemed", "valid"],
    "properties": {
        "id": {"type": "string"},
        "object": {"enum": ["coupon"]},
        "amount_off": _INT_OR_NULL,
        "created": {"type": "integer"},
        "currency": {"type": ["string", "null"]},
        "duration": {"enum": ["forever", "once", "repeating"]},
        "livemode": {"type": "boolean"},
        "max_redemptions": _INT_OR_NULL,
        "metadata": {"anyOf": [_METADATA, {"type": "null"}]},
        "name": {"type": ["string", "null"]},
        "percent_off": {"type": ["number", "null"]},
        "redeem_by": _INT_OR_NULL,
        "times_redeemed": {"type": "integer"},
        "valid": {"type": "boolean"},
    },
}

PROMOTION_CODE = {
    "type": "object",
    "required": ["id", "object", "active", "code", "created", "livemode", "promotion"],
    "properties": {
        "id": {"type": "string"},
        "object": {"enum": ["promotion_code"]},
        "active": {"type": "boolean"},
        "code": {"type": "string"},
        "created": {"type": "integer"},
        "customer": {"type": ["string", "null"]},
        "expires_at": _INT_OR_NULL,
        "livemode": {"type": "boolean"},
        "max_redemptions": _INT_OR_NULL,
        "metadata": {"anyOf": [_METADATA, {"type": "null"}]},
        "promotion": {
            "type": "object",
            "required": ["type"],
            "properties": {
                "type": {"enum": ["coupon"]},
                "coupon": {"type": ["string", "null"]},
            },
        },
        "restrictions": {"type": "object"},
        "times_redeemed": {"type": "integer"},
    },
}

LIST = {
    "type": "object",
    "required": ["object", "data", "has_more", "url"],
    "properties": {
        "object": {"enum": ["list"]},
        "data": {"type": "array", "items": PROMOTION_CODE},
        "has_more": {"type": "boolean"},
        "url": {"type": "string"},
    },
}

CHECKOUT_SESSION = {
    "type": "object",
    "required": ["id", "object", "payment_status", "status"],
    "properties": {
        "id": {"type": "string"},
        "object": {"enum": ["checkout.session"]},
        "amount_total": _INT_OR_NULL,
        "currency": {"type": ["string", "null"]},
        "mode": {"enum": ["payment", "setup", "subscription"]},
        "payment_status": {"enum": ["no_payment_required", "paid", "unpaid"]},
        "status": {"enum": ["complete", "expired", "open", None]},
        "discounts": {
            "type": ["array", "null"],
            "items": {
                "type": "object",
                "properties": {
                    "coupon": {"type": ["string", "object", "null"]},
                    "promotion_code": {"type": ["string", "object", "null"]},
                },
            },
        },
    },
}

ERROR = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["type"],
            "properties": {
                "type": {
                    "enum": [
                        "api_error",
                        "card_error",
                        "idempotency_error",
                        "invalid_request_error",
                    ]
                },
                "code": {"type": "string"},
                "message": {"type": "string"},
                "param": {"type": "string"},
            },
        }
    },
}


def schema_for(method: str, path: str, status: int) -> dict[str, Any]:
    if status >= 400:
        return ERROR
    if path.startswith("/v1/coupons/"):
        return COUPON
    if path == "/v1/promotion_codes" and method == "GET":
        return LIST
    return PROMOTION_CODE


def assert_answers_match_the_spec(answers: list[dict[str, Any]]) -> None:
    for answer in answers:
        jsonschema.validate(
            answer["body"], schema_for(answer["method"], answer["path"], answer["status"])
        )


def assert_event_session_matches_the_spec(event: dict[str, Any]) -> None:
    """A ``checkout.session.*`` event's object, as the fake builds it, fits the spec."""
    jsonschema.validate(event["data"]["object"], CHECKOUT_SESSION)
