"""``Idempotency-Key`` for POST endpoints that create something (API.md, Conventions).

A retry with the same key from the same user gets the original status and body and creates
nothing; the same key with a different request is ``409 idempotency_key_reused``.

The handler runs inside one transaction with the claim on the key: the record is inserted
first, so a concurrent retry with the same key waits on the unique index until the first
commits, then replays its answer. Answers below 500 (refusals included) are stored; a 5xx or an
unexpected exception rolls everything back, the key with it, so the client may retry.
"""

import hashlib
import json
from datetime import datetime, timedelta
from functools import wraps

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext
from rest_framework.exceptions import APIException
from rest_framework.response import Response

from backend.authentication import closed_account_refusal
from backend.errors import ApplicationError, ErrorCode, api_exception_handler
from backend.models import IdempotencyRecord

HEADER = "Idempotency-Key"
IDEMPOTENCY_KEY_REUSED = ErrorCode("idempotency_key_reused", 409)
_INVALID_KEY = ErrorCode("invalid", 400)


def request_fingerprint(request) -> str:
    body = json.dumps(request.data, sort_keys=True, separators=(",", ":"), default=str)
    material = f"{request.method} {request.path}\n{body}"
    return hashlib.sha256(material.encode()).hexdigest()


def _replay(record: IdempotencyRecord, fingerprint: str) -> Response:
    if record.fingerprint != fingerprint:
        raise ApplicationError(
            IDEMPOTENCY_KEY_REUSED,
            gettext("This Idempotency-Key was already used for a different request."),
        )
    response = Response(record.response_body, status=record.status_code)
    response["Idempotent-Replayed"] = "true"
    return response


def idempotent(handler):
    """Decorate an APIView's ``post``; requests without the header run as usual."""

    @wraps(handler)
    def wrapper(view, request, *args, **kwargs):
        key = request.headers.get(HEADER)
        if key is None or not request.user.is_authenticated:
            return handler(view, request, *args, **kwargs)
        # Never an answer stored or replayed for a closed account (whose stored answers were
        # erased with it); free unless a token alone authenticated the user.
        if (refusal := closed_account_refusal(request)) is not None:
            raise refusal
        if not 1 <= len(key) <= 255:
            raise ApplicationError(
                _INVALID_KEY,
                gettext("The Idempotency-Key header must be 1 to 255 characters."),
                fields={HEADER: ["Must be 1 to 255 characters."]},
            )
        fingerprint = request_fingerprint(request)
        existing = IdempotencyRecord.objects.filter(user=request.user, key=key).first()
        if existing is not None:
            return _replay(existing, fingerprint)
        with transaction.atomic():
            try:
                with transaction.atomic():
                    record = IdempotencyRecord.objects.create(
                        user=request.user, key=key, fingerprint=fingerprint, status_code=0
                    )
            except IntegrityError:
                # A concurrent request with this key committed first: answer as it did.
                return _replay(
                    IdempotencyRecord.objects.get(user=request.user, key=key), fingerprint
                )
            try:
                response = handler(view, request, *args, **kwargs)
            except (ApplicationError, APIException) as exc:
                response = api_exception_handler(exc, {"view": view, "request": request})
            if response.status_code >= 500:
                transaction.set_rollback(True)
                return response
            record.status_code = response.status_code
            record.response_body = response.data
            record.save(update_fields=["status_code", "response_body"])
        return response

    return wrapper


# Page forms' keys live beside the API's, per user, under a prefix of their own.
PAGE_KEY_PREFIX = "page:"


def idempotent_page_action(*, user, key: str, fingerprint: str, action) -> dict:
    """The pages' counterpart of `idempotent`: run ``action()`` (a service call answering a
    JSON-ready dict) once per (``user``, ``key``), as a form that carries its own key asks
    (the wallet's "Claim", the desk's "Redeem"). A repeat with the key (a double tap, a retry
    after a dropped connection), even at the same instant, waits for the first and gets its
    outcome; a refusal (`ApplicationError`) is an outcome too, returned as
    ``{"error": {"code", "detail", ...}, "status"}`` (`ApplicationError.from_outcome`). The
    same key with another ``fingerprint`` is refused, as the API refuses it. Anything else
    raised rolls the claim back with the work."""
    key = f"{PAGE_KEY_PREFIX}{key}"[:255]
    fingerprint = hashlib.sha256(fingerprint.encode()).hexdigest()
    existing = IdempotencyRecord.objects.filter(user=user, key=key).first()
    if existing is None:
        with transaction.atomic():
            try:
                with transaction.atomic():
                    record = IdempotencyRecord.objects.create(
                        user=user, key=key, fingerprint=fingerprint, status_code=0
                    )
            except IntegrityError:
                existing = IdempotencyRecord.objects.get(user=user, key=key)
            else:
                try:
                    outcome = action()
                    record.status_code = 200
                except ApplicationError as refusal:
                    outcome = refusal.as_outcome()
                    record.status_code = refusal.status
                record.response_body = outcome
                record.save(update_fields=["status_code", "response_body"])
                return outcome
    if existing.fingerprint != fingerprint:
        raise ApplicationError(
            IDEMPOTENCY_KEY_REUSED, gettext("This form was already sent for something else.")
        )
    return existing.response_body


def idempotency_records_purge(*, now: datetime | None = None) -> tuple[int, datetime]:
    """Delete the stored answers older than ``IDEMPOTENCY_KEY_TTL_HOURS``: a retry after that is
    a new request (as with Stripe's 24 hours). Returns how many were deleted and the cutoff.
    Idempotent: a second run finds nothing older left."""
    cutoff = (now or timezone.now()) - timedelta(hours=settings.IDEMPOTENCY_KEY_TTL_HOURS)
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    return deleted, cutoff
