"""Making, revoking and resolving QR posters."""

import secrets

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from backend.errors import ApplicationError, ErrorCode
from venues import error_codes
from venues.activity.sentences import said
from venues.activity.services import activity_record
from venues.models import Poster, Venue
from venues.posters.tokens import (
    CODE_ALPHABET,
    CODE_LENGTH,
    InvalidPosterToken,
    sign_poster_token,
    verify_poster_token,
)

_CODE_ATTEMPTS = 5  # 2^40 codes: a second collision in a row would be a broken random source


def poster_url(poster: Poster) -> str:
    """What the poster's QR code encodes: the landing page a phone's camera opens."""
    return f"{settings.PUBLIC_BASE_URL}/q/{poster.token}"


def poster_code_new() -> str:
    """A random fallback code, e.g. ``K7QMP3XH``."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def poster_code_display(code: str) -> str:
    """How a code is printed and shown: ``K7QM-P3XH``."""
    half = len(code) // 2
    return f"{code[:half]}-{code[half:]}"


def poster_code_normalise(typed: str) -> str:
    """What someone typed, as a stored code: case, spaces and dashes ignored."""
    return "".join(char for char in typed.upper() if char not in " -\t")


def poster_create(*, venue: Venue, label: str, created_by) -> Poster:
    """A new poster for ``venue`` with a fresh fallback code and its signed compact token."""
    attempts_left = _CODE_ATTEMPTS
    while True:
        code = poster_code_new()
        poster = Poster(venue=venue, label=label, created_by=created_by, code=code)
        poster.token = sign_poster_token(code=code)
        try:
            with transaction.atomic():
                poster.save(force_insert=True)
                activity_record(
                    actor=created_by,
                    action="poster.created",
                    obj=poster,
                    summary=said(
                        gettext_noop("Poster '%(label)s' made for %(venue)s."),
                        label=label,
                        venue=venue.name,
                    ),
                )
        except IntegrityError:  # the code was taken
            attempts_left -= 1
            if not attempts_left:
                raise
            continue
        return poster


def poster_find_by_code(*, typed: str) -> Poster | None:
    """The poster whose fallback code someone typed (revoked ones too: their page says so)."""
    return Poster.objects.filter(code=poster_code_normalise(typed)).first()


def poster_revoke(*, poster: Poster, revoked_by) -> Poster:
    """From now on check-ins with this poster's token are refused. Revoking twice keeps the
    first revocation's time."""
    with transaction.atomic():
        poster = Poster.objects.select_for_update().get(pk=poster.pk)
        if poster.revoked_at is None:
            poster.revoked_at = timezone.now()
            poster.revoked_by = revoked_by
            poster.save(update_fields=["revoked_at", "revoked_by"])
            activity_record(
                actor=revoked_by,
                action="poster.revoked",
                obj=poster,
                summary=said(
                    gettext_noop("Poster '%(label)s' of %(venue)s was revoked."),
                    label=poster.label,
                    venue=poster.venue.name,
                ),
            )
    return poster


def poster_replace(*, poster: Poster, replaced_by) -> Poster:
    """Revoke a leaked poster and make its replacement (same venue, same label), in one
    transaction: from then on the old one's check-ins are refused, and the new one is ready to
    print. Replacing a poster already revoked makes a replacement all the same."""
    with transaction.atomic():
        revoked = poster_revoke(poster=poster, revoked_by=replaced_by)
        replacement = poster_create(
            venue=revoked.venue, label=revoked.label, created_by=replaced_by
        )
        activity_record(
            actor=replaced_by,
            action="poster.replaced",
            obj=replacement,
            summary=said(
                gettext_noop("Poster '%(label)s' at %(venue)s replaced after a leak."),
                label=revoked.label,
                venue=revoked.venue.name,
            ),
        )
        return replacement


def poster_resolve(*, token: str, invalid: ErrorCode = error_codes.INVALID_QR) -> Poster:
    """The live poster a token names, with its venue.

    Raises ``invalid`` (``invalid_qr``; 400 for check-ins, 404 for the resolver) for a
    malformed or forged token or an unknown poster, and ``revoked_qr`` (410) once revoked.
    """
    try:
        claims = verify_poster_token(token)
    except InvalidPosterToken as exc:
        raise ApplicationError(invalid, _("This QR code is not one of our posters.")) from exc
    posters = Poster.objects.select_related("venue__council")
    poster = None
    if claims.code is not None:
        poster = posters.filter(code=claims.code).first()
    elif claims.poster_id is not None and claims.venue_id is not None:
        poster = posters.filter(pk=claims.poster_id, venue_id=claims.venue_id).first()
    if poster is None:
        raise ApplicationError(invalid, _("This QR code is not one of our posters."))
    if poster.is_revoked:
        raise ApplicationError(
            error_codes.REVOKED_QR, _("This poster has been withdrawn; ask staff for a new one.")
        )
    return poster
