"""The desk screen's rotating code (DESIGN.md, "Evidence of presence").

A token names a venue and a time step (``floor(unix time / SCREEN_CODE_SECONDS)``) and carries a
truncated HMAC of both under a key of that venue, derived from the server's secret. It is short,
so the QR on a tablet scans from across an entrance: 39 base64url characters,
``base64url(version[1] || venue id[16] || step[4] || mac[8])``, and its URL about 75 characters
(a version 4-5 QR).

Why an HMAC and not the posters' ES256 signature: a screen code lives for seconds and only the
server ever verifies it (the app never checks it offline), so a symmetric key is enough and a
signature's 64 bytes would only make the QR denser. Why per venue: the key is
``HMAC-SHA256(SECRET_KEY, "desk-screen:v1:<venue id>")`` (Django's ``salted_hmac``), so no code
of one venue's screen says anything about another's. Why 8 bytes of MAC: a forger must guess
2^64 values online, against the check-ins' throttle. ``SECRET_KEY_FALLBACKS`` verify too, so a
key rotation does not blank every screen for a step.

A code is accepted in its own step and the next one (as rotating attendance codes are): a photo
relayed elsewhere is stale within two steps, whatever the tablet's clock does within a step.
"""

import base64
import hmac
import re
import struct
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.utils.crypto import salted_hmac

VERSION = 1
_MAC_BYTES = 8
_RAW_BYTES = 1 + 16 + 4 + _MAC_BYTES
TOKEN_LENGTH = 39  # base64url of 29 bytes, unpadded
_TOKEN = re.compile(r"[A-Za-z0-9_-]{39}")


class InvalidScreenToken(Exception):
    """Not a screen token, or one this server did not make."""


@dataclass(frozen=True)
class ScreenClaims:
    venue_id: uuid.UUID
    step: int


def _mac(venue_id: uuid.UUID, step: int, secret: str) -> bytes:
    message = struct.pack(">B16sI", VERSION, venue_id.bytes, step)
    digest = salted_hmac(
        f"desk-screen:v{VERSION}:{venue_id}", message, secret=secret, algorithm="sha256"
    )
    return digest.digest()[:_MAC_BYTES]


def sign_screen_token(*, venue_id: uuid.UUID, step: int) -> str:
    raw = struct.pack(">B16sI", VERSION, venue_id.bytes, step) + _mac(
        venue_id, step, settings.SECRET_KEY
    )
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def looks_like_screen_token(token: str) -> bool:
    """Whether ``token`` has the shape of a screen token (posters' are 92 characters or a JWS)."""
    return bool(_TOKEN.fullmatch(token))


def verify_screen_token(token: str) -> ScreenClaims:
    """The venue and step a token names; raises `InvalidScreenToken`. Whether the step is
    still current is the caller's question (`venues.screens.services`)."""
    if not looks_like_screen_token(token):
        raise InvalidScreenToken("not a screen token")
    raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    if len(raw) != _RAW_BYTES:
        raise InvalidScreenToken("not a screen token")
    version, venue_bytes, step = struct.unpack(">B16sI", raw[:21])
    if version != VERSION:
        raise InvalidScreenToken("unknown version")
    venue_id = uuid.UUID(bytes=venue_bytes)
    for secret in (settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS):
        if hmac.compare_digest(raw[21:], _mac(venue_id, step, secret)):
            return ScreenClaims(venue_id=venue_id, step=step)
    raise InvalidScreenToken("not made by this server")
