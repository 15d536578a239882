"""Posters as they were printed before issue 12, and an offline verifier of compact tokens
written from the format's description (not from the server's code), as an app would write it."""

import base64

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from venues.models import Poster
from venues.posters.services import poster_code_new
from venues.posters.tokens import sign_jws_poster_token

ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


def printed_before_issue_12(venue, label: str = "Old poster") -> Poster:
    """A poster whose QR carries the JWS token of the first posters (and which, like every old
    poster after migration 0005, was given a fallback code)."""
    poster = Poster(venue=venue, label=label, code=poster_code_new())
    poster.token = sign_jws_poster_token(
        poster_id=poster.id, venue_id=venue.id, venue_name=venue.name, postcode=venue.postcode
    )
    poster.save(force_insert=True)
    return poster


def _public_key(jwk: dict) -> ec.EllipticCurvePublicKey:
    def number(member: str) -> int:
        return int.from_bytes(base64.urlsafe_b64decode(jwk[member] + "=="), "big")

    return ec.EllipticCurvePublicNumbers(number("x"), number("y"), ec.SECP256R1()).public_key()


def verify_offline(token: str, keys: list[dict]) -> tuple[str, str] | None:
    """``(code, kid)`` if ``token`` is a compact poster token signed by one of ``keys`` (a
    JWKS's ``keys``), else None: base64url(5 bytes of code, 5 bits a letter || r || s), signed
    over ``qr-poster:v2:<kid>:<code>``."""
    raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    if len(raw) != 69:
        return None
    number = int.from_bytes(raw[:5], "big")
    code = "".join(ALPHABET[(number >> (5 * (7 - i))) & 31] for i in range(8))
    signature = encode_dss_signature(
        int.from_bytes(raw[5:37], "big"), int.from_bytes(raw[37:], "big")
    )
    for jwk in keys:
        message = f"qr-poster:v2:{jwk['kid']}:{code}".encode()
        try:
            _public_key(jwk).verify(signature, message, ec.ECDSA(hashes.SHA256()))
        except InvalidSignature:
            continue
        return code, jwk["kid"]
    return None
