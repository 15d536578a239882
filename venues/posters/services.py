"""Making, revoking and resolving QR posters."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from backend.errors import ApplicationError, ErrorCode
from venues import error_codes
from venues.models import Poster, Venue
from venues.posters.tokens import InvalidPosterToken, sign_poster_token, verify_poster_token


def poster_url(poster: Poster) -> str:
    """What the poster's QR code encodes: the landing page a phone's camera opens."""
    return f"{settings.PUBLIC_BASE_URL}/q/{poster.token}"


def poster_create(*, venue: Venue, label: str, created_by) -> Poster:
    """A new poster for ``venue`` with a freshly signed token."""
    poster = Poster(venue=venue, label=label, created_by=created_by)
    poster.token = sign_poster_token(
        poster_id=poster.id, venue_id=venue.id, venue_name=venue.name, postcode=venue.postcode
    )
    with transaction.atomic():
        poster.save(force_insert=True)
    return poster


def poster_revoke(*, poster: Poster, revoked_by) -> Poster:
    """From now on check-ins with this poster's token are refused. Revoking twice keeps the
    first revocation's time."""
    with transaction.atomic():
        poster = Poster.objects.select_for_update().get(pk=poster.pk)
        if poster.revoked_at is None:
            poster.revoked_at = timezone.now()
            poster.revoked_by = revoked_by
            poster.save(update_fields=["revoked_at", "revoked_by"])
    return poster


def poster_resolve(*, token: str, invalid: ErrorCode = error_codes.INVALID_QR) -> Poster:
    """The live poster a token names, with its venue.

    Raises ``invalid`` (``invalid_qr``; 400 for check-ins, 404 for the resolver) for a
    malformed or forged token or an unknown poster, and ``revoked_qr`` (410) once revoked.
    """
    try:
        claims = verify_poster_token(token)
    except InvalidPosterToken as exc:
        raise ApplicationError(invalid, "This QR code is not one of our posters.") from exc
    poster = (
        Poster.objects.select_related("venue__council")
        .filter(pk=claims.poster_id, venue_id=claims.venue_id)
        .first()
    )
    if poster is None:
        raise ApplicationError(invalid, "This QR code is not one of our posters.")
    if poster.is_revoked:
        raise ApplicationError(
            error_codes.REVOKED_QR, "This poster has been withdrawn; ask staff for a new one."
        )
    return poster
