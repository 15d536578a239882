from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.web.forms import BirthYearField


class NewAccountForm(forms.Form):
    """What an invited person without an account gives: their name and a password (the email
    is the invitation's). ``accounts.services.user_register`` checks the password."""

    display_name = forms.CharField(
        label=_("Your name"),
        max_length=60,
        help_text=_("Shown to your colleagues in the back office and at the desk."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        max_length=128,
        help_text=_("At least 8 characters. Not only numbers, and not a common password."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    birth_year = BirthYearField()
