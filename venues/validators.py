"""Validation of venue data shared by the API, the admin and the CSV import."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_TIME = re.compile(r"^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$")

# The Royal Mail format (outward code, space, inward code); BFPO and overseas codes are not
# council venues. Matches after normalise_postcode().
_POSTCODE = re.compile(r"^[A-Z]{1,2}\d[A-Z\d]? \d[A-Z]{2}$")


def normalise_postcode(value: str) -> str:
    """``"ig117nb"`` -> ``"IG11 7NB"``; returns the input, upper-cased, when it is too short."""
    compact = re.sub(r"\s+", "", value or "").upper()
    if len(compact) < 5:
        return compact
    return f"{compact[:-3]} {compact[-3:]}"


def validate_postcode(value: str) -> None:
    if not _POSTCODE.match(value or ""):
        raise ValidationError(
            _("Enter a UK postcode such as IG11 7NB."),
            code="invalid_postcode",
            params={"value": value},
        )


def validate_opening_hours(value) -> None:
    """Opening hours: ``{"monday": [{"opens": "09:00", "closes": "17:00"}], ...}``.

    Keys are lower-case weekday names; a missing day (or an empty list) means closed. Each day
    holds intervals in 24-hour ``HH:MM`` (``closes`` may be ``24:00``), each opening before it
    closes, in order and not overlapping.
    """
    if not isinstance(value, dict):
        raise ValidationError(_("Opening hours must be an object keyed by weekday."))
    errors = []
    for day, intervals in value.items():
        if day not in WEEKDAYS:
            errors.append(f"'{day}' is not a weekday; use one of {', '.join(WEEKDAYS)}.")
            continue
        if not isinstance(intervals, list):
            errors.append(f"{day}: a list of {{opens, closes}} intervals is expected.")
            continue
        previous_close = ""
        for interval in intervals:
            if not isinstance(interval, dict) or set(interval) != {"opens", "closes"}:
                errors.append(f'{day}: each interval is {{"opens": "HH:MM", "closes": "HH:MM"}}.')
                break
            opens, closes = interval["opens"], interval["closes"]
            if not all(isinstance(t, str) and _TIME.match(t) for t in (opens, closes)):
                errors.append(f"{day}: times are 24-hour HH:MM, such as 09:30.")
                break
            if opens == "24:00" or opens >= closes:
                errors.append(f"{day}: {opens}-{closes} must open before it closes.")
                break
            if opens < previous_close:
                errors.append(f"{day}: intervals must be in order and must not overlap.")
                break
            previous_close = closes
    if errors:
        raise ValidationError(errors)
