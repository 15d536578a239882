"""QR posters: making, listing and revoking them, resolving and verifying their signed tokens
(forgeries and key rotation included), who may manage them, and a check-in with one."""

import base64
import hashlib
import hmac
import json
import uuid

import jwt
import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from django.conf import settings as django_settings

from checkins.models import CheckIn
from tests.api import error, success
from tests.conftest import client_for
from tests.factories import (
    CouncilFactory,
    UserFactory,
    VenueFactory,
    council_admin_of,
    venue_manager_of,
    venue_staff_of,
)
from tests.helpers import assert_head_is_held_to_the_access_of_get
from tests.venues.posters.helpers import printed_before_issue_12, verify_offline
from venues.models import Poster
from venues.posters.services import poster_code_new, poster_create, poster_revoke
from venues.posters.tokens import sign_jws_poster_token, sign_poster_token, thumbprint

pytestmark = pytest.mark.django_db


@pytest.fixture
def venue():
    return VenueFactory(name="Barking Learning Centre", council__name="Barking and Dagenham")


@pytest.fixture
def manager(venue):
    return venue_manager_of(venue)


@pytest.fixture
def manager_client(manager):
    return client_for(manager)


@pytest.fixture
def poster(venue):
    return poster_create(venue=venue, label="Main entrance", created_by=None)


@pytest.fixture
def old_poster(venue):
    return printed_before_issue_12(venue, label="Main entrance")


def resolve(client, token: str):
    return client.get(f"/api/v1/qr/{token}/")


class TestCreateListRevoke:
    def test_a_manager_makes_a_poster_whose_url_carries_its_token(
        self, manager_client, manager, venue
    ):
        path = f"/api/v1/venues/{venue.id}/posters/"
        body = success(manager_client, "post", path, {"label": "Side door"}, status=201).json()
        assert set(body) == {"id", "label", "code", "token", "url", "created_at", "revoked_at"}
        assert body["url"] == f"{django_settings.PUBLIC_BASE_URL}/q/{body['token']}"
        assert (body["label"], body["revoked_at"]) == ("Side door", None)
        poster = Poster.objects.get(id=body["id"])
        assert (poster.venue, poster.token, poster.created_by) == (venue, body["token"], manager)
        # As printed under the QR: two groups of four, a dash between.
        assert body["code"] == f"{poster.code[:4]}-{poster.code[4:]}" and len(poster.code) == 8

    def test_a_poster_needs_a_label(self, manager_client, venue):
        path = f"/api/v1/venues/{venue.id}/posters/"
        body = error(manager_client, "post", path, {"label": ""}, status=400, code="invalid")
        assert "label" in body["fields"]
        assert not Poster.objects.exists()

    def test_the_list_holds_the_venues_posters_only_newest_first(self, manager_client, venue):
        first = poster_create(venue=venue, label="Front", created_by=None)
        second = poster_create(venue=venue, label="Back", created_by=None)
        poster_create(venue=VenueFactory(council=venue.council), label="Elsewhere", created_by=None)
        body = success(manager_client, "get", f"/api/v1/venues/{venue.id}/posters/").json()
        assert body["count"] == 2
        assert [item["id"] for item in body["results"]] == [str(second.id), str(first.id)]
        assert body["results"][0]["url"].endswith("/q/" + second.token)

    def test_revoking_twice_keeps_the_first_time(self, manager_client, manager, poster):
        path = f"/api/v1/posters/{poster.id}/revoke/"
        first = success(manager_client, "post", path).json()
        assert first["id"] == str(poster.id) and first["revoked_at"] is not None
        second = success(manager_client, "post", path).json()
        assert second["revoked_at"] == first["revoked_at"]
        poster.refresh_from_db()
        assert poster.is_revoked and poster.revoked_by == manager


class TestResolver:
    @pytest.mark.parametrize("printed", ["poster", "old_poster"])
    def test_a_token_names_its_venue_and_poster(self, api_client, venue, printed, request):
        poster = request.getfixturevalue(printed)
        body = success(api_client, "get", f"/api/v1/qr/{poster.token}/").json()
        assert body["poster"] == {"id": str(poster.id), "label": "Main entrance"}
        assert (body["venue"]["id"], body["venue"]["name"]) == (str(venue.id), venue.name)

    def test_a_new_token_is_short_and_url_safe(self, poster):
        assert len(poster.token) == 92 and "." not in poster.token
        assert poster.token.replace("-", "").replace("_", "").isalnum()
        assert len(f"https://checkins.leeds.gov.uk/q/{poster.token}") <= 124

    @pytest.mark.parametrize("token", ["garbage", "a.b.c", "eyJhbGciOiJFUzI1NiJ9.e30.AAAA"])
    def test_a_malformed_token_is_not_found(self, api_client, token):
        error(api_client, "get", f"/api/v1/qr/{token}/", status=404, code="invalid_qr")

    def test_a_revoked_poster_is_gone(self, api_client, poster):
        poster_revoke(poster=poster, revoked_by=None)
        error(api_client, "get", f"/api/v1/qr/{poster.token}/", status=410, code="revoked_qr")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _compact(header: dict, claims: dict, sign) -> str:
    signing_input = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(claims).encode())}"
    return f"{signing_input}.{_b64(sign(signing_input.encode()))}"


def _claims(token: str) -> dict:
    return jwt.decode(token, options={"verify_signature": False})


def poster_kid(poster) -> str:
    return jwt.get_unverified_header(poster.token)["kid"]


def _public_pem(api_client, token: str) -> bytes:
    jwk = _jwk_for(api_client, token)
    return jwt.PyJWK(jwk).key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def _jwk_for(api_client, token: str) -> dict:
    keys = success(api_client, "get", "/api/v1/qr/keys/").json()["keys"]
    kid = jwt.get_unverified_header(token)["kid"]
    return next(key for key in keys if key["kid"] == kid)


class TestKeySet:
    def test_a_new_token_verifies_offline_against_the_published_keys(self, api_client, poster):
        keys = success(api_client, "get", "/api/v1/qr/keys/").json()["keys"]
        assert verify_offline(poster.token, keys) == (poster.code, keys[0]["kid"])

    def test_a_new_token_with_one_changed_character_fails_offline(self, api_client, poster):
        keys = success(api_client, "get", "/api/v1/qr/keys/").json()["keys"]
        for position in (3, 40, 91):  # the code, r, s
            changed = "B" if poster.token[position] == "A" else "A"
            tampered = f"{poster.token[:position]}{changed}{poster.token[position + 1 :]}"
            assert verify_offline(tampered, keys) is None
            error(api_client, "get", f"/api/v1/qr/{tampered}/", status=404, code="invalid_qr")

    def test_an_old_token_verifies_offline_against_the_published_keys(self, api_client, venue):
        poster = printed_before_issue_12(venue)
        response = success(api_client, "get", "/api/v1/qr/keys/")
        assert "public" in response["Cache-Control"]
        assert all(key["alg"] == "ES256" and key["kty"] == "EC" for key in response.json()["keys"])
        key = jwt.PyJWK(_jwk_for(api_client, poster.token))
        claims = jwt.decode(poster.token, key, algorithms=["ES256"])
        assert claims["pid"] == str(poster.id) and claims["vid"] == str(poster.venue_id)
        assert (claims["opn"], claims["pc"]) == (poster.venue.name, poster.venue.postcode)
        assert key.key_id == thumbprint(key.key)  # RFC 7638 thumbprint as kid

    def test_an_old_token_with_one_changed_character_fails_offline(self, api_client, venue):
        poster = printed_before_issue_12(venue)
        key = jwt.PyJWK(_jwk_for(api_client, poster.token))
        signed, signature = poster.token.rsplit(".", 1)
        changed = "B" if signature[10] == "A" else "A"
        tampered = f"{signed}.{signature[:10]}{changed}{signature[11:]}"
        with pytest.raises(jwt.InvalidSignatureError):
            jwt.decode(tampered, key, algorithms=["ES256"])


# Each forgery names a live poster (``target``), so only the signature check can stop it.
def _edited_payload(api_client, poster, target):
    header, _, signature = poster.token.split(".")
    payload = _b64(json.dumps(_claims(target.token)).encode())
    return f"{header}.{payload}.{signature}"


def _unsigned(api_client, poster, target):
    header = {"alg": "none", "typ": "JWT", "kid": poster_kid(poster)}
    return _compact(header, _claims(target.token), lambda _: b"")  # "<header>.<claims>."


def _hmac_with(secret_of):
    def forge(api_client, poster, target):
        secret = secret_of(api_client, poster)
        header = {"alg": "HS256", "typ": "JWT", "kid": poster_kid(poster)}
        return _compact(
            header,
            _claims(target.token),
            lambda data: hmac.new(secret, data, hashlib.sha256).digest(),
        )

    return forge


def _another_ec_key(claim_our_kid: bool):
    def forge(api_client, poster, target):
        key = ec.generate_private_key(ec.SECP256R1())
        kid = poster_kid(poster) if claim_our_kid else thumbprint(key.public_key())
        return jwt.encode(_claims(target.token), key, algorithm="ES256", headers={"kid": kid})

    return forge


def _unknown_poster(api_client, poster, target):
    venue = target.venue
    return sign_jws_poster_token(
        poster_id=uuid.uuid4(), venue_id=venue.id, venue_name=venue.name, postcode=venue.postcode
    )


def _poster_of_another_venue(api_client, poster, target):
    venue = target.venue  # a live venue, but ``poster`` hangs elsewhere
    return sign_jws_poster_token(
        poster_id=poster.id, venue_id=venue.id, venue_name=venue.name, postcode=venue.postcode
    )


FORGERIES = {
    "payload edited, signature kept": _edited_payload,
    "alg none": _unsigned,
    "HS256 keyed with the public key": _hmac_with(lambda client, p: _public_pem(client, p.token)),
    "HS256 keyed with SECRET_KEY": _hmac_with(lambda *_: django_settings.SECRET_KEY.encode()),
    "another EC key, our kid": _another_ec_key(claim_our_kid=True),
    "another EC key, its own kid": _another_ec_key(claim_our_kid=False),
    "unknown poster id": _unknown_poster,
    "poster of another venue": _poster_of_another_venue,
}


@pytest.mark.parametrize("forge", FORGERIES.values(), ids=FORGERIES.keys())
def test_a_forged_old_token_is_not_one_of_our_posters(api_client, venue, forge):
    poster = printed_before_issue_12(venue)
    target = printed_before_issue_12(VenueFactory(), label="Target")
    assert resolve(api_client, target.token).status_code == 200
    forged = forge(api_client, poster, target)
    error(api_client, "get", f"/api/v1/qr/{forged}/", status=404, code="invalid_qr")


def _raw(token: str) -> bytes:
    return base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))


def _compact_token(code_bytes: bytes, r: int, s: int) -> str:
    return _b64(code_bytes + r.to_bytes(32, "big") + s.to_bytes(32, "big"))


def _code_swapped(api_client, poster, target):
    return _b64(_raw(target.token)[:5] + _raw(poster.token)[5:])


def _signed_by_another_key(kid_of):
    def forge(api_client, poster, target):
        key = ec.generate_private_key(ec.SECP256R1())
        kid = kid_of(api_client, key)
        message = f"qr-poster:v2:{kid}:{target.code}".encode()
        r, s = decode_dss_signature(key.sign(message, ec.ECDSA(hashes.SHA256())))
        return _compact_token(_raw(target.token)[:5], r, min(s, P256_ORDER - s))

    return forge


def _high_s(api_client, poster, target):
    raw = _raw(target.token)
    r, s = int.from_bytes(raw[5:37], "big"), int.from_bytes(raw[37:], "big")
    return _compact_token(raw[:5], r, P256_ORDER - s)  # as valid to ECDSA, but a second spelling


def _unknown_code(api_client, poster, target):
    return sign_poster_token(code=poster_code_new())


def _jws_of_a_new_poster(api_client, poster, target):
    venue = target.venue
    return sign_jws_poster_token(
        poster_id=target.id, venue_id=uuid.uuid4(), venue_name=venue.name, postcode="X"
    )


P256_ORDER = int("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", 16)
COMPACT_FORGERIES = {
    "target's code, another poster's signature": _code_swapped,
    "another EC key, our kid": _signed_by_another_key(
        lambda client, key: client.get("/api/v1/qr/keys/").json()["keys"][0]["kid"]
    ),
    "another EC key, its own kid": _signed_by_another_key(
        lambda client, key: thumbprint(key.public_key())
    ),
    "high-S twin of a real token": _high_s,
    "signed code of no poster": _unknown_code,
    "truncated": lambda client, poster, target: target.token[:-4],
    "JWS naming the poster under another venue": _jws_of_a_new_poster,
}


@pytest.mark.parametrize("forge", COMPACT_FORGERIES.values(), ids=COMPACT_FORGERIES.keys())
def test_a_forged_new_token_is_not_one_of_our_posters(api_client, poster, forge):
    target = poster_create(venue=VenueFactory(), label="Target", created_by=None)
    assert resolve(api_client, target.token).status_code == 200
    forged = forge(api_client, poster, target)
    assert forged != target.token
    error(api_client, "get", f"/api/v1/qr/{forged}/", status=404, code="invalid_qr")


def _new_key_pems() -> tuple[str, str]:
    key = ec.generate_private_key(ec.SECP256R1())
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return private.decode(), public.decode()


def test_after_a_key_rotation_old_posters_resolve_and_new_ones_use_the_new_key(
    settings, api_client, manager_client, venue
):
    old_private, old_public = _new_key_pems()
    new_private, _ = _new_key_pems()
    settings.QR_SIGNING_KEY = old_private
    old = poster_create(venue=venue, label="Printed last year", created_by=None)
    older = printed_before_issue_12(venue, label="Printed the year before")
    old_keys = success(api_client, "get", "/api/v1/qr/keys/").json()["keys"]

    settings.QR_SIGNING_KEY = new_private
    settings.QR_PREVIOUS_PUBLIC_KEYS = old_public
    for printed in (old, older):
        resolved = success(api_client, "get", f"/api/v1/qr/{printed.token}/").json()
        assert resolved["poster"]["id"] == str(printed.id)
    path = f"/api/v1/venues/{venue.id}/posters/"
    new_token = success(manager_client, "post", path, {"label": "New"}, status=201).json()["token"]
    keys = success(api_client, "get", "/api/v1/qr/keys/").json()["keys"]
    new_public = serialization.load_pem_private_key(new_private.encode(), None).public_key()
    new_kid = thumbprint(new_public)
    assert {key["kid"] for key in keys} == {new_kid, old_keys[0]["kid"]}
    assert verify_offline(new_token, keys)[1] == new_kid
    assert verify_offline(new_token, old_keys) is None
    assert verify_offline(old.token, keys)[1] == old_keys[0]["kid"]
    assert resolve(api_client, new_token).status_code == 200

    settings.QR_PREVIOUS_PUBLIC_KEYS = ""  # the old key dropped from the set
    for printed in (old, older):
        error(api_client, "get", f"/api/v1/qr/{printed.token}/", status=404, code="invalid_qr")


ENDPOINTS = {
    "create": ("post", "/api/v1/venues/{venue}/posters/", {"label": "Side door"}, 201),
    "list": ("get", "/api/v1/venues/{venue}/posters/", None, 200),
    "revoke": ("post", "/api/v1/posters/{poster}/revoke/", None, 200),
    "png": ("get", "/api/v1/posters/{poster}/poster.png", None, 200),
    "pdf": ("get", "/api/v1/posters/{poster}/poster.pdf", None, 200),
}
OUTSIDERS = {
    "resident": lambda venue: UserFactory(),
    "venue staff": venue_staff_of,
    "another venue's manager": lambda venue: venue_manager_of(VenueFactory(council=venue.council)),
    "another council's admin": lambda venue: council_admin_of(CouncilFactory()),
}
endpoints = pytest.mark.parametrize("endpoint", ENDPOINTS.values(), ids=ENDPOINTS.keys())


def _path(template: str, venue, poster) -> str:
    return template.format(venue=venue.id, poster=poster.id)


def _unchanged(venue, poster) -> None:
    poster.refresh_from_db()
    assert not poster.is_revoked and venue.posters.count() == 1


class TestPermissions:
    @endpoints
    def test_anonymous_callers_must_sign_in(self, api_client, venue, poster, endpoint):
        method, template, data, _ = endpoint
        path = _path(template, venue, poster)
        error(api_client, method, path, data, status=401, code="not_authenticated")
        _unchanged(venue, poster)

    @endpoints
    @pytest.mark.parametrize("outsider", OUTSIDERS.values(), ids=OUTSIDERS.keys())
    def test_callers_without_a_managing_role_are_refused(self, venue, poster, endpoint, outsider):
        method, template, data, _ = endpoint
        client = client_for(outsider(venue))
        error(
            client,
            method,
            _path(template, venue, poster),
            data,
            status=403,
            code="permission_denied",
        )
        _unchanged(venue, poster)

    @endpoints
    def test_an_unknown_venue_or_poster_is_not_found(self, manager_client, venue, poster, endpoint):
        method, template, data, _ = endpoint
        path = template.format(venue=uuid.uuid4(), poster=uuid.uuid4())
        error(manager_client, method, path, data, status=404, code="not_found")
        _unchanged(venue, poster)

    @endpoints
    @pytest.mark.parametrize(
        "who",
        [venue_manager_of, lambda venue: council_admin_of(venue.council)],
        ids=["the venue's manager", "the council's admin"],
    )
    def test_the_venues_managers_may(self, venue, poster, endpoint, who):
        method, template, data, status = endpoint
        response = success(
            client_for(who(venue)), method, _path(template, venue, poster), data, status=status
        )
        assert response.content


def test_a_resident_checks_in_with_a_new_poster_until_it_is_revoked(manager_client, venue):
    path = f"/api/v1/venues/{venue.id}/posters/"
    poster = success(manager_client, "post", path, {"label": "Lobby"}, status=201).json()
    resident = client_for(UserFactory())
    checkin = success(
        resident, "post", "/api/v1/checkins/", {"qr_token": poster["token"]}, status=201
    ).json()
    assert (checkin["venue"], checkin["method"]) == (str(venue.id), "qr")
    assert str(CheckIn.objects.get(id=checkin["id"]).poster_id) == poster["id"]

    success(manager_client, "post", f"/api/v1/posters/{poster['id']}/revoke/")
    another = client_for(UserFactory())
    error(
        another,
        "post",
        "/api/v1/checkins/",
        {"qr_token": poster["token"]},
        status=410,
        code="revoked_qr",
    )
    assert CheckIn.objects.count() == 1


def test_head_on_a_venues_posters_is_held_to_the_same_access_as_get():
    venue = VenueFactory()
    assert_head_is_held_to_the_access_of_get(
        f"/api/v1/venues/{venue.id}/posters/", council=venue.council
    )


def test_a_retried_poster_create_makes_one_poster():
    venue = VenueFactory()
    client = client_for(venue_manager_of(venue))
    url = f"/api/v1/venues/{venue.id}/posters/"
    first = success(
        client, "post", url, {"label": "Door"}, status=201, HTTP_IDEMPOTENCY_KEY="print-1"
    )
    again = success(
        client, "post", url, {"label": "Door"}, status=201, HTTP_IDEMPOTENCY_KEY="print-1"
    )
    assert again.json() == first.json()
    assert Poster.objects.filter(venue=venue).count() == 1
