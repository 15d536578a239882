from django import forms
from django.utils.translation import gettext_lazy as _


class AssistedCheckinForm(forms.Form):
    resident = forms.CharField(
        label=_("Member code or email"),
        max_length=254,
        help_text=(
            _("The 8 letters and numbers on their member card (e.g. K7QM-P3XH), or their email.")
        ),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"}
        ),
        error_messages={"required": _("Enter their member code or email.")},
    )
    venue = forms.ChoiceField(label=_("Venue"), required=False)
    # This form's own key: a double tap checks in once and answers as the first did.
    attempt = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)

    def __init__(self, *args, venues, **kwargs):
        super().__init__(*args, **kwargs)
        self.venues = {str(venue.pk): venue for venue in venues}
        if len(self.venues) > 1:
            self.fields["venue"].choices = [(pk, v.name) for pk, v in self.venues.items()]
            self.fields["venue"].required = True
            self.fields["venue"].help_text = _("Where you are working now.")
        else:
            del self.fields["venue"]

    def chosen_venue(self):
        if "venue" in self.fields:
            return self.venues[self.cleaned_data["venue"]]
        return next(iter(self.venues.values()))
