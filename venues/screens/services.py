"""The desk screen's codes: the current one of a venue, and what a scanned one is worth.

Codes are computed, never stored: any web process gives the same code for the same venue and
step, so a tablet may ask any of them (DESIGN.md, "Scaling out"). A code of step ``s`` appears
at ``s * SCREEN_CODE_SECONDS``, is replaced one period later (``changes_at``) and refused as
``expired_qr`` one period after that (``expires_at``).
"""

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from backend.errors import ApplicationError, ErrorCode
from venues import error_codes
from venues.models import Venue
from venues.screens.tokens import InvalidScreenToken, sign_screen_token, verify_screen_token

# How long after a resident's page read a fresh code (and remembered it in its session) the
# check-in may still be made with it: long enough to sign in or create an account first. The
# code had to be fresh when read, so a relayed photo is as stale as ever.
SCREEN_PAGE_GRACE = timedelta(minutes=10)


@dataclass(frozen=True)
class ScreenCode:
    token: str
    url: str
    changes_at: datetime
    expires_at: datetime


def _period() -> int:
    return max(int(settings.SCREEN_CODE_SECONDS), 1)


def screen_step(at: datetime) -> int:
    """The time step ``at`` falls in."""
    return math.floor(at.timestamp() / _period())


def _step_start(step: int) -> datetime:
    return datetime.fromtimestamp(step * _period(), tz=UTC)


def screen_url(token: str) -> str:
    """What the screen's QR encodes: the same landing page as a poster's."""
    return f"{settings.PUBLIC_BASE_URL}/q/{token}"


def screen_code_current(*, venue: Venue, now: datetime | None = None) -> ScreenCode:
    """The code ``venue``'s screen shows now."""
    step = screen_step(now or timezone.now())
    token = sign_screen_token(venue_id=venue.pk, step=step)
    return ScreenCode(
        token=token,
        url=screen_url(token),
        changes_at=_step_start(step + 1),
        expires_at=_step_start(step + 2),
    )


def screen_token_venue(
    *,
    token: str,
    now: datetime | None = None,
    read_at: datetime | None = None,
    invalid: ErrorCode = error_codes.INVALID_QR,
) -> Venue:
    """The venue whose screen showed ``token``, if the code is still good.

    ``read_at``: when the resident's page read the code (the page remembers it for
    `SCREEN_PAGE_GRACE`); the code must have been current then. Otherwise it must be current
    now: this step or the one before. Raises ``invalid`` (``invalid_qr``) for a forged token or
    an unknown venue, and ``expired_qr`` for a code that has been replaced for a whole period.
    """
    now = now or timezone.now()
    try:
        claims = verify_screen_token(token)
    except InvalidScreenToken as exc:
        raise ApplicationError(invalid, _("This QR code is not one of our codes.")) from exc
    venue = Venue.objects.select_related("council").filter(pk=claims.venue_id).first()
    if venue is None:
        raise ApplicationError(invalid, _("This QR code is not one of our codes."))
    seen = read_at if read_at is not None and now - read_at <= SCREEN_PAGE_GRACE else now
    current = screen_step(seen)
    if claims.step > current:
        # A step this server has not reached: not one it made (the clocks of its processes
        # agree to well within a step).
        raise ApplicationError(invalid, _("This QR code is not one of our codes."))
    if current - claims.step >= 2:
        raise ApplicationError(
            error_codes.EXPIRED_QR,
            _(
                "This code from the screen by the desk has changed since. Scan the code on the "
                "screen again."
            ),
        )
    return venue
