"""Refresh tokens a phone can retry safely, and that end when they should (API.md, "For the
app's developers"; the design is in README "Signing in from the app").

- **Families.** Every sign-in (``POST /auth/token/``) starts a family: the refresh token carries
  ``fam``, a random id, and each token rotated from it carries the same one.
- **Rotation with a grace.** A refresh blacklists the token it was given (SimpleJWT's blacklist)
  and stores the new pair against the used token's id (``RefreshTokenRotation``), under a row
  lock on the used token, so parallel refreshes queue. The same token sent again within
  ``JWT_REFRESH_REUSE_GRACE_SECONDS`` gets that same pair again: a phone that lost the answer
  on a train is not signed out. Later it is ``401 token_reused`` and the whole family is
  revoked (``RevokedTokenFamily``): whoever replayed a stolen token, thief or owner, is signed
  out, and the other holds a token that is refused at its next refresh.
- **Password changes.** A refresh token carries ``pwd``, an HMAC of the account's password hash
  (as Django's session auth hash is), so any change of the password, through any path (the API,
  the reset and change pages, the back office, ``manage.py changepassword``, erasure), makes
  every refresh token issued before it refused: stateless, nothing to remember to call. Tokens
  issued before families existed carry neither claim and are refused once (sign in again).
- Access tokens stay stateless (15 minutes): they lapse, and their expiry is told apart
  (``401 token_expired``: refresh and retry) from every other problem (``not_authenticated``).
"""

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.tokens import RefreshToken

from accounts import error_codes
from accounts.models import RefreshTokenRotation, RevokedTokenFamily, User
from backend.errors import NOT_AUTHENTICATED, ApplicationError

FAMILY_CLAIM = "fam"
PASSWORD_CLAIM = "pwd"


def password_stamp(user: User) -> str:
    """Changes whenever the password does; reveals nothing of it."""
    return salted_hmac(
        "accounts.tokens.password_stamp", user.password, algorithm="sha256"
    ).hexdigest()[:32]


class SignInRefreshToken(RefreshToken):
    """A refresh token of one sign-in's family, stamped with the password it was issued under.
    Neither claim is copied into access tokens."""

    no_copy_claims = (*RefreshToken.no_copy_claims, FAMILY_CLAIM, PASSWORD_CLAIM)

    @classmethod
    def for_user(cls, user: User) -> "SignInRefreshToken":
        token = super().for_user(user)
        token[FAMILY_CLAIM] = uuid.uuid4().hex
        token[PASSWORD_CLAIM] = password_stamp(user)
        return token


class _PresentedRefreshToken(SignInRefreshToken):
    """Verified (signature, expiry, type) but not refused for being blacklisted: a used token
    is answered here, by its rotation."""

    def check_blacklist(self) -> None:
        return None


def token_pair_issue(*, user: User) -> dict[str, str]:
    """A new sign-in: a fresh family's refresh token and its access token."""
    refresh = SignInRefreshToken.for_user(user)
    return {"access": str(refresh.access_token), "refresh": str(refresh)}


@dataclass(frozen=True)
class _Refusal:
    error: ApplicationError


def _not_authenticated(detail: str) -> _Refusal:
    return _Refusal(ApplicationError(NOT_AUTHENTICATED, detail))


def token_refresh(*, raw: str) -> dict[str, str]:
    """Exchange a refresh token for a new pair (see the module's docstring for every case).

    Raises ``ApplicationError`` ``not_authenticated`` (sign in again) or ``token_reused``.
    A revocation it decides is committed before the refusal is raised.
    """
    try:
        presented = _PresentedRefreshToken(raw)
    except TokenError as exc:
        raise ApplicationError(NOT_AUTHENTICATED, str(exc)) from exc
    with transaction.atomic():
        outcome = _refresh_under_lock(presented)
    if isinstance(outcome, _Refusal):
        raise outcome.error
    return outcome


def _refresh_under_lock(presented: _PresentedRefreshToken) -> dict[str, str] | _Refusal:
    jti = presented[api_settings.JTI_CLAIM]
    # Parallel refreshes of one token queue here; the first rotates, the others replay.
    outstanding = (
        OutstandingToken.objects.select_for_update().filter(jti=jti).order_by("pk").first()
    )
    family = presented.get(FAMILY_CLAIM)
    if not family or not presented.get(PASSWORD_CLAIM):
        return _not_authenticated(_("This sign-in is from an older version; sign in again."))
    if RevokedTokenFamily.objects.filter(family=family).exists():
        return _not_authenticated(_("This sign-in has ended; sign in again."))
    user = User.objects.filter(pk=presented.get(api_settings.USER_ID_CLAIM)).first()
    if user is None or not user.is_active:
        return _not_authenticated(_("The account behind this token is closed or gone."))
    if not constant_time_compare(presented[PASSWORD_CLAIM], password_stamp(user)):
        _family_revoke(presented, user, RevokedTokenFamily.Reason.PASSWORD_CHANGED)
        return _not_authenticated(_("The password has changed since this sign-in; sign in again."))

    now = timezone.now()
    rotation = RefreshTokenRotation.objects.filter(jti=jti).first()
    if rotation is not None:
        grace = timedelta(seconds=settings.JWT_REFRESH_REUSE_GRACE_SECONDS)
        if now - rotation.rotated_at <= grace:
            return {"access": rotation.access, "refresh": rotation.refresh}
        _family_revoke(presented, user, RevokedTokenFamily.Reason.REUSED)
        return _Refusal(
            ApplicationError(
                error_codes.TOKEN_REUSED,
                _("This refresh token was already used; this sign-in has ended. Sign in again."),
            )
        )
    if outstanding is not None and BlacklistedToken.objects.filter(token=outstanding).exists():
        return _not_authenticated(_("This sign-in has ended; sign in again."))

    presented.blacklist()
    replacement = SignInRefreshToken()  # a new id, issue time and expiry; the other claims kept
    fresh = {api_settings.JTI_CLAIM, api_settings.TOKEN_TYPE_CLAIM, "jti", "exp", "iat"}
    for claim, value in presented.payload.items():
        if claim not in fresh:
            replacement[claim] = value
    replacement.outstand()
    pair = {"access": str(replacement.access_token), "refresh": str(replacement)}
    RefreshTokenRotation.objects.create(
        jti=jti,
        family=family,
        user=user,
        rotated_at=now,
        expires_at=_expiry(presented),
        access=pair["access"],
        refresh=pair["refresh"],
    )
    return pair


def _expiry(token: RefreshToken) -> datetime:
    return datetime.fromtimestamp(token["exp"], tz=UTC)


def _family_revoke(token: RefreshToken, user: User, reason: str) -> None:
    RevokedTokenFamily.objects.get_or_create(
        family=token[FAMILY_CLAIM],
        defaults={
            "user": user,
            "revoked_at": timezone.now(),
            "reason": reason,
            # No token of the family outlives the newest one's lifetime from now.
            "expires_at": timezone.now() + api_settings.REFRESH_TOKEN_LIFETIME,
        },
    )


def token_records_purge(*, now: datetime | None = None) -> int:
    """Delete rotations and revoked families no token can need any more (the tokens they speak
    of have expired). Idempotent."""
    now = now or timezone.now()
    rotations, _ = RefreshTokenRotation.objects.filter(expires_at__lt=now).delete()
    families, _ = RevokedTokenFamily.objects.filter(expires_at__lt=now).delete()
    return rotations + families
