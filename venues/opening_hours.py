"""Opening hours as people write them, for the back office: one line per day,
``Monday: 09:00-13:00, 14:00-17:30`` or ``Sunday: closed``, to and from the stored form
``{"monday": [{"opens": "09:00", "closes": "13:00"}, ...]}`` (venues.validators)."""

import json
import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from venues.validators import WEEKDAYS, validate_opening_hours

_LINE = re.compile(r"^\s*([A-Za-z]+)\s*:?\s*(.*?)\s*$")
_INTERVAL = re.compile(r"^(\d{1,2}[:.]\d{2})\s*(?:-|\u2013|to)\s*(\d{1,2}[:.]\d{2})$")


def _hhmm(text: str) -> str:
    hours, minutes = re.split(r"[:.]", text)
    return f"{int(hours):02d}:{minutes}"


def opening_hours_text(hours: dict) -> str:
    """One line per day; empty when no hours were given at all (not known: not "closed" seven
    days a week). Once some are given, a day left out is closed (API.md)."""
    if not hours:
        return ""
    lines = []
    for day in WEEKDAYS:
        intervals = hours.get(day) or []
        spans = ", ".join(f"{i['opens']}-{i['closes']}" for i in intervals)
        lines.append(f"{day.capitalize()}: {spans or 'closed'}")
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
        day = match.group(1).lower() if match else ""
        day = next((d for d in WEEKDAYS if d.startswith(day) and len(day) >= 3), None)
        if day is None:
            raise forms.ValidationError(
                gettext(
                    "Line %(number)d: start with a day, e.g. 'Monday: 09:00-17:00' or "
                    "'Sunday: closed'."
                )
                % {"number": number}
            )
        spans = match.group(2)
        if spans.lower() in ("", "closed", "-"):
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
