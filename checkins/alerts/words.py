"""Figures and alerts as the people who review fraud read them, in the active language: metres
with a unit and no sixteen decimals, minutes in words, and what an alert found (`alert_detail`,
worded from the facts the rule stored, so that the email and the back office say it in the
reader's language while ``Alert.detail`` keeps the English for the API)."""

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from checkins.error_codes import refusal_name


def distance_in_words(metres: float) -> str:
    """``272340.5`` -> ``"272 km"``, ``1234.5`` -> ``"1.2 km"``, ``87.26`` -> ``"87 m"``."""
    if metres >= 100_000:
        return f"{metres / 1000:,.0f} km"
    if metres >= 1000:
        return f"{metres / 1000:.1f} km"
    return f"{metres:.0f} m"


def minutes_in_words(seconds: float) -> str:
    minutes = int(seconds // 60)
    if minutes < 1:
        return _("less than a minute")
    return ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}


def alert_detail(kind: str, facts: dict) -> str:
    """What an alert of ``kind`` found, in the active language, from its ``facts`` (as the
    rules in ``checkins.alerts.rules`` store them); empty for facts it cannot word."""
    try:
        return _WORDING[kind](facts)
    except (KeyError, TypeError, ValueError):
        return ""


def alert_detail_in_english(kind: str, facts: dict) -> str:
    with translation.override("en-gb"):
        return alert_detail(kind, facts)


def alert_detail_shown(alert) -> str:
    """The alert's detail for its reader: worded from its facts in their language, or the
    stored (English) detail of an alert raised without facts."""
    return (alert_detail(alert.kind, alert.facts) if alert.facts else "") or alert.detail


def _poster_leak(facts: dict) -> str:
    return _(
        "The poster “%(poster)s” was used without the phone's location by %(residents)d "
        "residents in the last %(minutes)d minutes (more than %(limit)d): a photo of it may be "
        "going round. Revoke it and print its replacement, and set the venue's offers worth "
        "money to need the phone's location or the desk screen."
    ) % {
        "poster": facts["poster"],
        "residents": facts["residents"],
        "minutes": facts["minutes"],
        "limit": facts["limit"],
    }


def _location_mismatch(facts: dict) -> str:
    return _(
        "A resident tried to check in with the poster alone %(ago)s after their phone placed "
        "them %(distance)s from %(venue)s. The check-in was refused."
    ) % {
        "ago": minutes_in_words(float(facts["ago_s"])),
        "distance": distance_in_words(float(facts["distance_m"])),
        "venue": facts["venue"],
    }


def _repeated_refusals(facts: dict) -> str:
    reasons = sorted({refusal_name(code) for code in facts["reasons"]})
    return _(
        "A resident was refused %(count)d times at %(venue)s in %(minutes)d minutes (%(reasons)s)."
    ) % {
        "count": facts["count"],
        "venue": facts["venue"],
        "minutes": facts["minutes"],
        "reasons": ", ".join(reasons),
    }


def _staff_burst(facts: dict) -> str:
    return _(
        "One staff member checked in %(count)d residents at the desk in %(minutes)d minutes "
        "(more than %(limit)d)."
    ) % {"count": facts["count"], "minutes": facts["minutes"], "limit": facts["limit"]}


_WORDING = {
    "poster_leak": _poster_leak,
    "location_mismatch": _location_mismatch,
    "repeated_refusals": _repeated_refusals,
    "staff_burst": _staff_burst,
}
