"""Stripe, behind one module: the only place in the project that imports ``stripe``.

Built from settings (STRIPE_API_KEY, STRIPE_API_BASE for a local fake, the pinned
STRIPE_API_VERSION), with stripe-python's StripeClient. Three things are asked of Stripe:
reading a coupon (when an offer naming it is saved), creating a single-use promotion code for a
voucher (and turning it off when the voucher is used or lapses another way), and verifying
webhook events. Failures come
back as ``StripeCallFailed``, saying whether trying again later can help.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import stripe
from django.conf import settings

logger = logging.getLogger(__name__)


class StripeNotConfigured(Exception):
    """No STRIPE_API_KEY (or, for webhooks, STRIPE_WEBHOOK_SECRET)."""


class StripeCallFailed(Exception):
    """Stripe did not do what was asked. ``retryable``: a later attempt may succeed (network,
    rate limit, Stripe's own trouble); otherwise the request itself is wrong (an unknown coupon,
    a revoked key) and repeating it will not help."""

    def __init__(self, message: str, *, retryable: bool, code: str = "", new_key: bool = False):
        super().__init__(message)
        self.retryable = retryable
        self.code = code
        # Stripe saved this failure under the idempotency key and would replay it: the next
        # attempt needs a new key (it was checked that Stripe holds no code for the voucher).
        self.new_key = new_key


class InvalidWebhook(Exception):
    """A webhook whose signature does not verify, or whose body is not an event."""


@dataclass(frozen=True)
class PromotionCode:
    id: str
    code: str


@dataclass(frozen=True)
class Coupon:
    id: str
    valid: bool
    redeem_by: datetime | None


def _client() -> stripe.StripeClient:
    if not settings.STRIPE_API_KEY:
        raise StripeNotConfigured("Stripe is not configured: set STRIPE_API_KEY.")
    return stripe.StripeClient(
        settings.STRIPE_API_KEY,
        stripe_version=settings.STRIPE_API_VERSION,
        base_addresses={"api": settings.STRIPE_API_BASE},
        max_network_retries=settings.STRIPE_MAX_NETWORK_RETRIES,
        http_client=stripe.RequestsClient(timeout=settings.STRIPE_TIMEOUT_SECONDS),
    )


def promotion_code_create(
    *, voucher_id: str, code: str, coupon_id: str, expires_at: datetime, idempotency_key: str
) -> PromotionCode:
    """A promotion code ``code`` for the coupon, usable once, until the voucher expires. The
    idempotency key comes from the voucher, so a retry never makes a second code; when Stripe
    has forgotten the key (after 24 hours, or a new key is used) and refuses the code as taken,
    the code it already holds for this voucher is adopted."""
    client = _client()
    try:
        created = client.v1.promotion_codes.create(
            params={
                "promotion": {"type": "coupon", "coupon": coupon_id},
                "code": code,
                "max_redemptions": 1,
                "expires_at": int(expires_at.timestamp()),
                "metadata": {"voucher_id": voucher_id},
            },
            options={"idempotency_key": idempotency_key},
        )
    except stripe.InvalidRequestError as exc:
        existing = _existing_code(client, code=code, voucher_id=voucher_id)
        if existing is not None:
            return existing
        raise _failed(exc) from exc
    except stripe.StripeError as exc:
        failed = _failed(exc)
        if exc.http_status is not None and exc.http_status >= 500:
            # Stripe saves a 5xx under the idempotency key and replays it for 24 hours: retrying
            # with the same key cannot succeed. Had Stripe made the code, it is adopted; if not,
            # the next attempt goes under a new key.
            existing = _existing_code(client, code=code, voucher_id=voucher_id)
            if existing is not None:
                return existing
            failed.new_key = True
        raise failed from exc
    return PromotionCode(id=created.id, code=created.code)


def coupon_get(*, coupon_id: str) -> Coupon | None:
    """The coupon as Stripe holds it, or None when it has no such coupon."""
    try:
        coupon = _client().v1.coupons.retrieve(coupon_id)
    except stripe.InvalidRequestError as exc:
        if exc.http_status == 404:
            return None
        raise _failed(exc) from exc
    except stripe.StripeError as exc:
        raise _failed(exc) from exc
    fields = coupon.to_dict()
    redeem_by = fields.get("redeem_by")
    return Coupon(
        id=fields["id"],
        valid=bool(fields.get("valid")),
        redeem_by=datetime.fromtimestamp(redeem_by, tz=UTC) if redeem_by else None,
    )


def _existing_code(client: stripe.StripeClient, *, code: str, voucher_id: str):
    try:
        found = client.v1.promotion_codes.list(params={"code": code, "limit": 1})
    except stripe.StripeError as exc:
        # Not knowing whether Stripe holds the code is not a refusal: try again later.
        raise StripeCallFailed(
            f"Stripe: could not look the code up: {exc}", retryable=True
        ) from exc
    for promotion_code in found.to_dict().get("data", []):
        if (promotion_code.get("metadata") or {}).get("voucher_id") == voucher_id:
            return PromotionCode(id=promotion_code["id"], code=promotion_code["code"])
    return None


def promotion_code_deactivate(*, promotion_code_id: str) -> None:
    """Turn a promotion code off (its voucher was used or lapsed another way). Idempotent."""
    try:
        _client().v1.promotion_codes.update(promotion_code_id, params={"active": False})
    except stripe.StripeError as exc:
        raise _failed(exc) from exc


# Refusals that configuration, not the request, can cure: tried again until someone does.
_RETRYABLE = (
    stripe.APIConnectionError,
    stripe.RateLimitError,
    stripe.APIError,
    stripe.AuthenticationError,
    stripe.PermissionError,
    stripe.IdempotencyError,
)


def _failed(exc: stripe.StripeError) -> StripeCallFailed:
    retryable = isinstance(exc, _RETRYABLE) or (
        exc.http_status is not None and exc.http_status >= 500
    )
    message = exc.user_message or str(exc) or type(exc).__name__
    logger.warning("Stripe refused a call (%s): %s", exc.http_status, message)
    return StripeCallFailed(
        f"Stripe: {message}", retryable=retryable, code=getattr(exc, "code", "") or ""
    )


def webhook_event(*, payload: bytes, signature: str | None) -> Any:
    """The JSON a webhook carries, once its ``Stripe-Signature`` verifies against
    STRIPE_WEBHOOK_SECRET (and is recent: stripe-python's five-minute tolerance). The body is
    parsed here, not by stripe-python, so a verified body of an unexpected shape reaches the
    caller as plain data instead of failing inside the library."""
    if not settings.STRIPE_WEBHOOK_SECRET:
        raise StripeNotConfigured("Stripe webhooks are not configured: set STRIPE_WEBHOOK_SECRET.")
    try:
        text = payload.decode("utf-8")
        stripe.WebhookSignature.verify_header(
            text, signature or "", settings.STRIPE_WEBHOOK_SECRET, stripe.Webhook.DEFAULT_TOLERANCE
        )
        return json.loads(text)
    except (UnicodeDecodeError, ValueError, stripe.SignatureVerificationError) as exc:
        raise InvalidWebhook(str(exc)) from exc
