"""The signed token a QR poster carries: a compact JWS, ES256, with the key's RFC 7638
thumbprint as ``kid`` and claims naming the poster and its venue.

Why asymmetric: as with the NHS COVID-19 app's venue posters, the app can verify a poster
offline against the public key set (``GET /api/v1/qr/keys/``) and show the venue's name before
any request; keys rotate without an app release because old public keys stay in the set. The
server also keeps a revocation list (``Poster.revoked_at``), which the NHS posters lacked.
Verification pins the algorithm to ES256, so an unsigned (``alg: none``) or HMAC-forged token
is refused.
"""

import base64
import hashlib
import json
import re
import uuid
from dataclasses import dataclass
from functools import cache

import jwt
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

ALGORITHM = "ES256"
_PEM_PUBLIC_KEY = re.compile(r"-----BEGIN PUBLIC KEY-----.+?-----END PUBLIC KEY-----", re.DOTALL)
# The order of the P-256 group: a derived private scalar must lie in [1, n - 1].
_P256_ORDER = int("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", 16)


class InvalidPosterToken(Exception):
    """Malformed, forged, or signed by a key we do not know."""


@dataclass(frozen=True)
class PosterClaims:
    poster_id: uuid.UUID
    venue_id: uuid.UUID


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _public_jwk(public_key: ec.EllipticCurvePublicKey) -> dict:
    numbers = public_key.public_numbers()
    return {
        "crv": "P-256",
        "kty": "EC",
        "x": _b64url(numbers.x.to_bytes(32, "big")),
        "y": _b64url(numbers.y.to_bytes(32, "big")),
    }


def thumbprint(public_key: ec.EllipticCurvePublicKey) -> str:
    """RFC 7638: SHA-256 of the JWK's required members, sorted, without white space."""
    canonical = json.dumps(_public_jwk(public_key), sort_keys=True, separators=(",", ":"))
    return _b64url(hashlib.sha256(canonical.encode()).digest())


def _derived_development_key() -> ec.EllipticCurvePrivateKey:
    """A key derived from SECRET_KEY, so every process of a deployment without QR_SIGNING_KEY
    agrees on it. Production sets QR_SIGNING_KEY (see .env.example)."""
    seed = HKDF(
        algorithm=hashes.SHA256(), length=48, salt=b"qr-poster-signing", info=b"es256"
    ).derive(settings.SECRET_KEY.encode())
    scalar = int.from_bytes(seed, "big") % (_P256_ORDER - 1) + 1
    return ec.derive_private_key(scalar, ec.SECP256R1())


@cache
def _keys(signing_pem: str, previous_pems: str, secret_key: str):
    if signing_pem:
        signing_key = serialization.load_pem_private_key(signing_pem.encode(), password=None)
        if not isinstance(signing_key, ec.EllipticCurvePrivateKey) or not isinstance(
            signing_key.curve, ec.SECP256R1
        ):
            raise ValueError("QR_SIGNING_KEY must be an EC P-256 private key (PEM).")
    else:
        signing_key = _derived_development_key()
    verification = {thumbprint(signing_key.public_key()): signing_key.public_key()}
    for pem in _PEM_PUBLIC_KEY.findall(previous_pems):
        public_key = serialization.load_pem_public_key(pem.encode())
        verification[thumbprint(public_key)] = public_key
    return signing_key, verification


def _current_keys():
    return _keys(settings.QR_SIGNING_KEY, settings.QR_PREVIOUS_PUBLIC_KEYS, settings.SECRET_KEY)


def public_key_set() -> dict:
    """The JWKS the app verifies posters with: the current key and the previous ones."""
    _, verification = _current_keys()
    return {
        "keys": [
            {**_public_jwk(key), "kid": kid, "alg": ALGORITHM, "use": "sig"}
            for kid, key in verification.items()
        ]
    }


def sign_poster_token(
    *, poster_id: uuid.UUID, venue_id: uuid.UUID, venue_name: str, postcode: str
) -> str:
    signing_key, _ = _current_keys()
    claims = {"pid": str(poster_id), "vid": str(venue_id), "opn": venue_name, "pc": postcode}
    return jwt.encode(
        claims,
        signing_key,
        algorithm=ALGORITHM,
        headers={"kid": thumbprint(signing_key.public_key())},
    )


def verify_poster_token(token: str) -> PosterClaims:
    """The poster and venue a token names; raises `InvalidPosterToken`."""
    _, verification = _current_keys()
    try:
        header = jwt.get_unverified_header(token)
        public_key = verification.get(header.get("kid", ""))
        if public_key is None or header.get("alg") != ALGORITHM:
            raise InvalidPosterToken("signed by an unknown key")
        claims = jwt.decode(
            token, public_key, algorithms=[ALGORITHM], options={"require": ["pid", "vid"]}
        )
        return PosterClaims(uuid.UUID(claims["pid"]), uuid.UUID(claims["vid"]))
    except (jwt.PyJWTError, ValueError, TypeError, AttributeError) as exc:
        raise InvalidPosterToken(str(exc)) from exc
