from django.utils.translation import gettext_lazy as _

from backend.errors import ErrorCode
from venues.error_codes import (  # noqa: F401 (check-ins answer them too)
    EXPIRED_QR,
    INVALID_QR,
    REVOKED_QR,
)

OUTSIDE_GEOFENCE = ErrorCode("outside_geofence", 400)
POOR_ACCURACY = ErrorCode("poor_accuracy", 400)
VENUE_INACTIVE = ErrorCode("venue_inactive", 400)
IMPOSSIBLE_TRAVEL = ErrorCode("impossible_travel", 400)
COOLDOWN = ErrorCode("cooldown", 409)
# A poster-only check-in just after the resident's own fix placed them outside the venue.
LOCATION_MISMATCH = ErrorCode("location_mismatch", 400)
# Staff may not check themselves in at the desk: a colleague must (as with their own voucher).
OWN_CHECKIN = ErrorCode("own_checkin", 403)
ALREADY_VOID = ErrorCode("already_void", 409)

# Each refusal's rule by name, for the people who read the fraud log (the back office, alerts),
# in their language.
REFUSAL_NAMES = {
    "outside_geofence": _("Too far from the venue"),
    "poor_accuracy": _("Location too imprecise"),
    "invalid_qr": _("Code not recognised"),
    "revoked_qr": _("Withdrawn poster"),
    "expired_qr": _("Old screen code"),
    "venue_inactive": _("Venue closed"),
    "impossible_travel": _("Impossible travel"),
    "cooldown": _("Checked in here recently"),
    "location_mismatch": _("Poster alone, phone elsewhere"),
    "own_checkin": _("Staff checking themselves in"),
}


def refusal_name(code: str) -> str:
    """The rule's name in the active language; an unknown code as it is."""
    return str(REFUSAL_NAMES.get(code, code))


CHECKIN_REQUIRED = ErrorCode("checkin_required", 403)
INAPPROPRIATE_CONTENT = ErrorCode("inappropriate_content", 400)
ALREADY_REPORTED = ErrorCode("already_reported", 409)
REPLY_EXISTS = ErrorCode("reply_exists", 409)
