"""The period picker: a GET form that works without JavaScript."""

from datetime import timedelta

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from insight.selectors import DEFAULT_SORT, SORT_KEYS
from insight.stats.selectors import FIRST_DATE, LAST_DATE, MAX_DAYS, DateRange

PRESETS = [("7", _("Last 7 days")), ("30", _("Last 30 days")), ("90", _("Last 90 days"))]
CUSTOM = "custom"
DATE_BOUNDS = [MinValueValidator(FIRST_DATE), MaxValueValidator(LAST_DATE)]


class DateInput(forms.DateInput):
    input_type = "date"


class PeriodForm(forms.Form):
    period = forms.ChoiceField(
        label=_("Period"),
        choices=[*PRESETS, (CUSTOM, _("Choose dates"))],
        initial="30",
        required=False,
        widget=forms.RadioSelect,
    )
    start = forms.DateField(
        label=_("From"), required=False, widget=DateInput, validators=DATE_BOUNDS
    )
    end = forms.DateField(label=_("To"), required=False, widget=DateInput, validators=DATE_BOUNDS)
    sort = forms.ChoiceField(
        choices=[(key, key) for name in SORT_KEYS for key in (name, "-" + name)],
        required=False,
        widget=forms.HiddenInput,
    )

    def __init__(self, data, **kwargs):
        data = data.copy()
        # ``from``/``to`` (as the API names them) are accepted too, and mean "custom".
        for api_name, name in (("from", "start"), ("to", "end")):
            if data.get(api_name) and not data.get(name):
                data[name] = data[api_name]
                data.setdefault("period", CUSTOM)
        if data.get("start") or data.get("end"):
            # Dates typed mean those dates, whatever else came with them (an old link, or a
            # radio left on a preset): never quietly ignored.
            data["period"] = CUSTOM
        elif not data.get("period"):
            data["period"] = "30"
        super().__init__(data, **kwargs)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("period") != CUSTOM:
            return cleaned
        start, end = cleaned.get("start"), cleaned.get("end")
        if "start" in self.errors or "end" in self.errors:
            return cleaned
        if start is None:
            self.add_error("start", _("Enter the first day of the period."))
        if end is None:
            self.add_error("end", _("Enter the last day of the period."))
        if start and end and start > end:
            self.add_error("start", _("The first day must be on or before the last day."))
        elif start and end and (end - start).days + 1 > MAX_DAYS:
            self.add_error(
                "start", _("Choose a period of at most %(days)s days.") % {"days": MAX_DAYS}
            )
        return cleaned

    def date_range(self) -> DateRange:
        """The chosen period (the default 30 days while the form is invalid)."""
        today = timezone.localdate()
        if self.is_valid() and self.cleaned_data["period"] == CUSTOM:
            return DateRange(self.cleaned_data["start"], self.cleaned_data["end"])
        days = int(self.cleaned_data["period"]) if self.is_valid() else 30
        return DateRange(today - timedelta(days=days - 1), today)

    def sort_key(self) -> str:
        return (self.is_valid() and self.cleaned_data.get("sort")) or DEFAULT_SORT
