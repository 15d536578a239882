"""The signed token a QR poster carries, verifiable offline against the published key set
(``GET /api/v1/qr/keys/``: ES256 public keys, ``kid`` = the key's RFC 7638 thumbprint).

Posters printed from issue 12 on carry a **compact token**: 92 base64url characters,
``base64url(code[5] || signature[64])``:

- ``code`` is the poster's 8-character fallback code (``Poster.code``, printed under the QR;
  the alphabet ``23456789ABCDEFGHJKLMNPQRSTUVWXYZ``: 32 symbols, no 0/O or 1/I, so 5 bits each),
  packed into 5 bytes;
- ``signature`` is a raw ES256 signature (P-256, SHA-256; ``r || s``, 32 bytes each, as in JWS,
  ``s`` in its low half so one token cannot be re-spelt) over the ASCII bytes
  ``qr-poster:v2:<kid>:<code>``. The ``kid`` is signed, not carried: a verifier tries each key
  of the set (there are one or two) and the message only verifies under the key it names.

Why: the JWS of the first posters (claims for poster, venue, name and postcode) made a ~400
character URL, a version 18-19 QR at error correction Q: modules too small to scan from across a
doorway. A signature cannot be shorter than 64 bytes with a standard curve, so the token carries
nothing but the signature and the shortest name of the poster that the server already stores:
the code people type when they cannot scan. ``<PUBLIC_BASE_URL>/q/<token>`` is then ~120
characters, version 9-10 at Q. The app still verifies a poster offline (the message is rebuilt
from the code and each published key's ``kid``); it learns the venue online
(``GET /api/v1/qr/<token>/``) instead of from the token. ECDSA, not Django's HMAC signing, for the
same reason as before: the app holds only public keys, and they rotate through the key set.

**Posters already printed** carry a compact JWS, ES256, with the key's thumbprint as ``kid``
and claims ``pid`` / ``vid`` naming the poster and its venue (as the NHS COVID-19 app's venue
posters did). They keep working: a token with dots is verified as that JWS, with the algorithm
pinned to ES256, so an unsigned (``alg: none``) or HMAC-forged token is refused. The server also
keeps a revocation list (``Poster.revoked_at``), which the NHS posters lacked.
"""

import base64
import hashlib
import json
import re
import uuid
from dataclasses import dataclass
from functools import cache

import jwt
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

ALGORITHM = "ES256"
CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # 32 symbols, none mistaken for another
CODE_LENGTH = 8
COMPACT_TOKEN_LENGTH = 92  # base64url of 5 + 64 bytes, unpadded
_COMPACT_TOKEN = re.compile(r"[A-Za-z0-9_-]{92}")
_PEM_PUBLIC_KEY = re.compile(r"-----BEGIN PUBLIC KEY-----.+?-----END PUBLIC KEY-----", re.DOTALL)
# The order of the P-256 group: a derived private scalar must lie in [1, n - 1].
_P256_ORDER = int("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", 16)


class InvalidPosterToken(Exception):
    """Malformed, forged, or signed by a key we do not know."""


@dataclass(frozen=True)
class PosterClaims:
    """What a verified token names: the poster's code (compact tokens), or the poster and its
    venue (the JWS of posters printed before issue 12)."""

    code: str | None = None
    poster_id: uuid.UUID | None = None
    venue_id: uuid.UUID | None = None


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


def sign_poster_token(*, code: str) -> str:
    """The compact token of the poster whose fallback code is ``code`` (see the module's doc)."""
    packed = pack_code(code)
    signing_key, _ = _current_keys()
    kid = thumbprint(signing_key.public_key())
    der = signing_key.sign(_message(kid, code), ec.ECDSA(hashes.SHA256()))
    r, s = decode_dss_signature(der)
    if s > _P256_ORDER // 2:  # the low-S form: one signature, one spelling of the token
        s = _P256_ORDER - s
    return _b64url(packed + r.to_bytes(32, "big") + s.to_bytes(32, "big"))


def sign_jws_poster_token(
    *, poster_id: uuid.UUID, venue_id: uuid.UUID, venue_name: str, postcode: str
) -> str:
    """The JWS the posters printed before issue 12 carry (kept to test that they still work)."""
    signing_key, _ = _current_keys()
    claims = {"pid": str(poster_id), "vid": str(venue_id), "opn": venue_name, "pc": postcode}
    return jwt.encode(
        claims,
        signing_key,
        algorithm=ALGORITHM,
        headers={"kid": thumbprint(signing_key.public_key())},
    )


def verify_poster_token(token: str) -> PosterClaims:
    """What a token names; raises `InvalidPosterToken`."""
    if "." in token:
        return _verify_jws(token)
    return _verify_compact(token)


def _message(kid: str, code: str) -> bytes:
    return f"qr-poster:v2:{kid}:{code}".encode("ascii")


def pack_code(code: str) -> bytes:
    """8 characters of `CODE_ALPHABET` as 5 bytes (5 bits each)."""
    if len(code) != CODE_LENGTH or any(char not in CODE_ALPHABET for char in code):
        raise ValueError(f"A poster code is {CODE_LENGTH} characters of {CODE_ALPHABET}.")
    number = 0
    for char in code:
        number = number * 32 + CODE_ALPHABET.index(char)
    return number.to_bytes(5, "big")


def unpack_code(packed: bytes) -> str:
    number = int.from_bytes(packed, "big")
    chars = []
    for _ in range(CODE_LENGTH):
        number, digit = divmod(number, 32)
        chars.append(CODE_ALPHABET[digit])
    return "".join(reversed(chars))


def _verify_compact(token: str) -> PosterClaims:
    if not _COMPACT_TOKEN.fullmatch(token):
        raise InvalidPosterToken("not a poster token")
    raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    code = unpack_code(raw[:5])
    r, s = int.from_bytes(raw[5:37], "big"), int.from_bytes(raw[37:], "big")
    if not (0 < r < _P256_ORDER and 0 < s <= _P256_ORDER // 2):
        raise InvalidPosterToken("malformed signature")
    der = encode_dss_signature(r, s)
    _, verification = _current_keys()
    for kid, public_key in verification.items():
        try:
            public_key.verify(der, _message(kid, code), ec.ECDSA(hashes.SHA256()))
        except InvalidSignature:
            continue
        return PosterClaims(code=code)
    raise InvalidPosterToken("not signed by a key of the set")


def _verify_jws(token: str) -> PosterClaims:
    _, verification = _current_keys()
    try:
        header = jwt.get_unverified_header(token)
        public_key = verification.get(header.get("kid", ""))
        if public_key is None or header.get("alg") != ALGORITHM:
            raise InvalidPosterToken("signed by an unknown key")
        claims = jwt.decode(
            token, public_key, algorithms=[ALGORITHM], options={"require": ["pid", "vid"]}
        )
        return PosterClaims(poster_id=uuid.UUID(claims["pid"]), venue_id=uuid.UUID(claims["vid"]))
    except (jwt.PyJWTError, ValueError, TypeError, AttributeError) as exc:
        raise InvalidPosterToken(str(exc)) from exc
