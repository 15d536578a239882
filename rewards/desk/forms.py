from django import forms
from django.utils.translation import gettext_lazy as _


class RedeemForm(forms.Form):
    code = forms.CharField(
        label=_("Voucher code"),
        max_length=40,
        help_text=_("8 letters and numbers, as on the resident's screen, e.g. ABCD-EFGH."),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "inputmode": "text",
                "class": "code",
            }
        ),
    )
    venue = forms.ChoiceField(label=_("Venue"), required=False)
    # This form's own key (as the API's Idempotency-Key): a double tap redeems once and answers
    # as the first did.
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

    def clean_code(self):
        code = self.cleaned_data["code"]
        if not "".join(code.split()).replace("-", ""):
            raise forms.ValidationError(_("Enter the voucher code."))
        return code

    def chosen_venue(self):
        if "venue" in self.fields:
            return self.venues[self.cleaned_data["venue"]]
        return next(iter(self.venues.values()), None)
