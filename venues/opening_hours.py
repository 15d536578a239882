"""Opening hours as people write them, for the back office: one line per day,
``Monday: 09:00-13:00, 14:00-17:30`` or ``Sunday: closed``, to and from the stored form
``{"monday": [{"opens": "09:00", "closes": "13:00"}, ...]}`` (venues.validators).

Written in the reader's language (``Dydd Llun: 09:00-13:00``, ``Dydd Sul: ar gau`` for a Welsh
reader) and read in either: a Welsh council's staff type Welsh day names, and a form written in
one language and saved in the other still reads."""

import json
import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.dates import WEEKDAYS as DAY_NAMES
from django.utils.text import capfirst
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _

from venues.validators import WEEKDAYS, validate_opening_hours

_LINE = re.compile(r"^\s*(?:dydd\s+)?([^\W\d_]+)\s*:?\s*(.*?)\s*$", re.IGNORECASE)
# Each day's names, English and Welsh ("Dydd Llun" is read without its "Dydd"); a day is
# recognised by the first three letters or more of one of its names.
_DAY_NAMES = {
    "monday": ("monday", "llun"),
    "tuesday": ("tuesday", "mawrth"),
    "wednesday": ("wednesday", "mercher"),
    "thursday": ("thursday", "iau"),
    "friday": ("friday", "gwener"),
    "saturday": ("saturday", "sadwrn"),
    "sunday": ("sunday", "sul"),
}
_CLOSED = ("", "-", "closed", "ar gau", "wedi cau", "cau")
# The day names as the text is written, in the reader's language (Django's, Monday first).
_DAY_WRITTEN = dict(zip(WEEKDAYS, DAY_NAMES.values(), strict=True))


def _day_of(word: str) -> str | None:
    word = word.lower()
    if len(word) < 3:
        return None
    return next(
        (day for day, names in _DAY_NAMES.items() if any(n.startswith(word) for n in names)),
        None,
    )


_INTERVAL = re.compile(r"^(\d{1,2}[:.]\d{2})\s*(?:-|\u2013|to)\s*(\d{1,2}[:.]\d{2})$")


def _hhmm(text: str) -> str:
    hours, minutes = re.split(r"[:.]", text)
    return f"{int(hours):02d}:{minutes}"


def opening_hours_text(hours: dict) -> str:
    """One line per day, in the reader's language; empty when no hours were given at all (not
    known: not "closed" seven days a week). Once some are given, a day left out is closed
    (API.md)."""
    if not hours:
        return ""
    lines = []
    closed = pgettext("opening hours", "closed")
    for day in WEEKDAYS:
        intervals = hours.get(day) or []
        spans = ", ".join(f"{i['opens']}-{i['closes']}" for i in intervals)
        lines.append(f"{_DAY_WRITTEN[day]}: {spans or closed}")
    return "\n".join(lines)


def opening_hours_parse(text: str) -> dict:
    """The stored form of ``text``; raises ``forms.ValidationError`` naming the bad line.
    The stored JSON itself is accepted too (pasted from the API)."""
    if text.lstrip().startswith("{"):
        try:
            hours = json.loads(text)
        except (ValueError, RecursionError) as exc:
            raise forms.ValidationError(
                gettext("This looks like JSON but cannot be read.")
            ) from exc
        return _validated(hours)
    hours: dict[str, list[dict[str, str]]] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        match = _LINE.match(line)
        day = _day_of(match.group(1)) if match else None
        if match is None or day is None:
            raise forms.ValidationError(
                gettext(
                    "Line %(number)d: start with a day, e.g. 'Monday: 09:00-17:00' or "
                    "'Sunday: closed'."
                )
                % {"number": number}
            )
        spans = match.group(2)
        if spans.lower() in _CLOSED:
            hours[day] = []
            continue
        intervals = []
        for span in spans.split(","):
            interval = _INTERVAL.match(span.strip())
            if interval is None:
                raise forms.ValidationError(
                    gettext("Line %(number)d: write times as 09:00-17:00, separated by commas.")
                    % {"number": number}
                )
            intervals.append({"opens": _hhmm(interval[1]), "closes": _hhmm(interval[2])})
        hours[day] = intervals
    return _validated({day: spans for day, spans in hours.items() if spans})


def _validated(hours) -> dict:
    try:
        validate_opening_hours(hours)
    except ValidationError as exc:
        raise forms.ValidationError(exc.messages) from exc
    return hours


class OpeningHoursField(forms.CharField):
    widget = forms.Textarea(attrs={"rows": 7, "cols": 40})

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", capfirst(_("opening hours")))
        kwargs.setdefault(
            "help_text",
            _(
                "One line per day, e.g. 'Monday: 09:00-13:00, 14:00-17:30' or 'Sunday: closed'. "
                "Leave it empty when the hours are not known."
            ),
        )
        super().__init__(**kwargs)

    def prepare_value(self, value):
        return opening_hours_text(value) if isinstance(value, dict) else value

    def to_python(self, value):
        return opening_hours_parse(value or "")

    def has_changed(self, initial, data):
        try:
            return (initial or {}) != self.to_python(data)
        except forms.ValidationError:
            return True
