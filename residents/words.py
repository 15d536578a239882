"""What the pages say for the services' refusals and figures, in plain words, in the reader's
language (the words are looked up when called, so in the request's language)."""

import math

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from checkins import error_codes as checkin_errors
from rewards import error_codes as reward_errors
from rewards.evidence import how_to_earn_in_words


def duration_in_words(seconds: int) -> str:
    """``14340`` -> ``"3 hours 59 minutes"``; rounded up to the minute, never "0 minutes"."""
    hours, minutes = divmod(max(math.ceil(seconds / 60), 1), 60)
    parts = []
    if hours:
        parts.append(ngettext("%(count)d hour", "%(count)d hours", hours) % {"count": hours})
    if minutes:
        parts.append(
            ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}
        )
    return " ".join(parts)


def distance_in_words(metres: float) -> str:
    """``1234.5`` -> ``"1.2 km"``; ``87.2`` -> ``"87 metres"``."""
    if metres >= 1000:
        return _("%(km).1f km") % {"km": metres / 1000}
    return _("%(metres).0f metres") % {"metres": metres}


def points_in_words(points: int) -> str:
    return ngettext("%(count)d point", "%(count)d points", abs(points)) % {"count": points}


def how_to_earn_offer(title: str, accepts: list[str]) -> str:
    """What the resident could do to earn an offer their check-in's evidence did not: "Allow
    your location, or scan the code on the screen by the desk, to earn “Free hot drink”."."""
    return _("%(ways)s, to earn “%(title)s”.") % {
        "ways": how_to_earn_in_words(accepts),
        "title": title,
    }


def checkin_refusal(error, venue_name: str) -> tuple[str, str]:
    """``(heading, sentence)`` for a refused check-in (an `ApplicationError`)."""
    code = error.code
    words = {"venue": venue_name}
    if code == checkin_errors.COOLDOWN.code:
        wait = duration_in_words(int(error.extra.get("retry_after", 0)))
        return (
            _("You have already checked in"),
            _("You checked in at %(venue)s recently. You can check in here again in %(wait)s.")
            % {**words, "wait": wait},
        )
    if code == checkin_errors.OUTSIDE_GEOFENCE.code:
        distance = distance_in_words(float(error.extra.get("distance_m", 0)))
        return (
            _("You seem to be too far away"),
            _(
                "Your phone places you %(distance)s from %(venue)s. Check in when you are at "
                "the venue."
            )
            % {**words, "distance": distance},
        )
    if code == checkin_errors.REVOKED_QR.code:
        return (
            _("Poster withdrawn"),
            _(
                "This poster has been withdrawn and can no longer be used to check in. Ask "
                "staff at the venue for the current one."
            ),
        )
    if code == checkin_errors.POOR_ACCURACY.code:
        return (
            _("Your location is not precise enough"),
            _(
                "Your phone could not tell where you are precisely enough. Try again near a "
                "window or with Wi-Fi on."
            ),
        )
    if code == checkin_errors.IMPOSSIBLE_TRAVEL.code:
        return (
            _("Not checked in"),
            _("You checked in somewhere else a short time ago, too far away to be here already."),
        )
    if code == checkin_errors.VENUE_INACTIVE.code:
        return (
            _("This venue is closed"),
            _("%(venue)s is closed, so you cannot check in here.") % words,
        )
    if code == checkin_errors.LOCATION_MISMATCH.code:
        distance = distance_in_words(float(error.extra.get("distance_m", 0)))
        return (
            _("Allow your location to check in"),
            _(
                "Your phone placed you %(distance)s from %(venue)s a short time ago, so the "
                "poster's code alone cannot check you in. Allow your location and press Check "
                "in again, or ask staff at the desk."
            )
            % {**words, "distance": distance},
        )
    if code == checkin_errors.EXPIRED_QR.code:
        return (
            _("This code has changed"),
            _(
                "The code on the screen by the desk changes every few seconds, and this one has "
                "changed since. Scan the code on the screen again."
            ),
        )
    if code == checkin_errors.OWN_CHECKIN.code:
        return (_("Not checked in"), _("You cannot check yourself in: ask a colleague."))
    if code in (checkin_errors.INVALID_QR.code,):
        return (_("Code not recognised"), _("This QR code is not one of our posters."))
    return (_("Not checked in"), error.detail)


def claim_refusal(error) -> str:
    if error.code == reward_errors.INSUFFICIENT_POINTS.code:
        return _("You do not have enough points for this yet. %(detail)s") % {
            "detail": error.detail
        }
    if error.code == reward_errors.OUT_OF_STOCK.code:
        return _("Sorry, this has all been claimed.")
    return error.detail


def comment_thanks(comment) -> str:
    """What the author reads after sending a comment: published, or (under 18) waiting for
    the venue's approval."""
    if comment.written_by_minor and comment.status == "hidden":
        return _(
            "Thank you. Your comment will appear, without your name, once the venue has read it."
        )
    return _("Thank you. Your comment is published.")
