"""What the pages say for the services' refusals and figures, in plain words."""

import math

from checkins import error_codes as checkin_errors
from rewards import error_codes as reward_errors


def duration_in_words(seconds: int) -> str:
    """``14340`` -> ``"3 hours 59 minutes"``; rounded up to the minute, never "0 minutes"."""
    hours, minutes = divmod(max(math.ceil(seconds / 60), 1), 60)
    parts = []
    if hours:
        parts.append(f"{hours} hour{'s' if hours != 1 else ''}")
    if minutes:
        parts.append(f"{minutes} minute{'s' if minutes != 1 else ''}")
    return " ".join(parts)


def distance_in_words(metres: float) -> str:
    """``1234.5`` -> ``"1.2 km"``; ``87.2`` -> ``"87 metres"``."""
    if metres >= 1000:
        return f"{metres / 1000:.1f} km"
    return f"{metres:.0f} metres"


def points_in_words(points: int) -> str:
    return f"{points} point{'s' if abs(points) != 1 else ''}"


def checkin_refusal(error, venue_name: str) -> tuple[str, str]:
    """``(heading, sentence)`` for a refused check-in (an `ApplicationError`)."""
    code = error.code
    if code == checkin_errors.COOLDOWN.code:
        wait = duration_in_words(int(error.extra.get("retry_after", 0)))
        return (
            "You have already checked in",
            f"You checked in at {venue_name} recently. You can check in here again in {wait}.",
        )
    if code == checkin_errors.OUTSIDE_GEOFENCE.code:
        distance = distance_in_words(float(error.extra.get("distance_m", 0)))
        return (
            "You seem to be too far away",
            f"Your phone places you {distance} from {venue_name}. Check in when you are "
            "at the venue.",
        )
    if code == checkin_errors.REVOKED_QR.code:
        return (
            "Poster withdrawn",
            "This poster has been withdrawn and can no longer be used to check in. Ask staff "
            "at the venue for the current one.",
        )
    if code == checkin_errors.POOR_ACCURACY.code:
        return (
            "Your location is not precise enough",
            "Your phone could not tell where you are precisely enough. Try again near a window "
            "or with Wi-Fi on.",
        )
    if code == checkin_errors.IMPOSSIBLE_TRAVEL.code:
        return (
            "Not checked in",
            "You checked in somewhere else a short time ago, too far away to be here already.",
        )
    if code == checkin_errors.VENUE_INACTIVE.code:
        return ("This venue is closed", f"{venue_name} is closed, so you cannot check in here.")
    if code in (checkin_errors.INVALID_QR.code,):
        return ("Code not recognised", "This QR code is not one of our posters.")
    return ("Not checked in", error.detail)


def claim_refusal(error) -> str:
    if error.code == reward_errors.INSUFFICIENT_POINTS.code:
        return f"You do not have enough points for this yet. {error.detail}"
    if error.code == reward_errors.OUT_OF_STOCK.code:
        return "Sorry, this has all been claimed."
    return error.detail
