from django import forms
from django.contrib.auth import forms as auth_forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User


class SignInForm(auth_forms.AuthenticationForm):
    """Django's sign-in form with the words and input types people expect on a phone."""

    username = forms.EmailField(
        label=_("Email"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    error_messages = {
        "invalid_login": _("The email or password is wrong."),
        "inactive": _("This account is closed."),
    }


class BirthYearField(forms.IntegerField):
    """The year someone was born, in words a child understands (``accounts.ages``)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("What year were you born?"))
        kwargs.setdefault(
            "help_text",
            _(
                "For example, 2001. We ask so we can keep children safe. We only keep the year, "
                "not your birthday."
            ),
        )
        kwargs.setdefault("min_value", 1800)
        kwargs.setdefault("max_value", 2200)
        kwargs.setdefault(
            "error_messages",
            {
                "required": _("Enter the year you were born, like 1990."),
                "invalid": _("Enter the year you were born, like 1990."),
                "min_value": _("Enter the year you were born, like 1990."),
                "max_value": _("Enter the year you were born, like 1990."),
            },
        )
        kwargs.setdefault(
            "widget",
            forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "bday-year"}),
        )
        super().__init__(**kwargs)


class BirthYearForm(forms.Form):
    birth_year = BirthYearField()


class RegisterForm(forms.Form):
    """What ``accounts.services.user_register`` needs; it does the checking (taken email, weak
    password), and its refusals come back as errors on these fields."""

    display_name = forms.CharField(
        label=_("Your name"),
        max_length=60,
        help_text=_("Shown beside your comments. A first name is enough."),
        widget=forms.TextInput(attrs={"autocomplete": "nickname"}),
    )
    email = forms.EmailField(
        label=_("Email"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        max_length=128,
        help_text=_("At least 8 characters. Not only numbers, and not a common password."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    birth_year = BirthYearField()


class PasswordResetForm(auth_forms.PasswordResetForm):
    email = forms.EmailField(
        label=_("Email"),
        max_length=254,
        help_text=_("We will send a link to reset your password if this email has an account."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def get_users(self, email):
        # Emails are stored lower-cased (accounts.models.normalize_email).
        return (
            user
            for user in User.objects.filter(email=email.strip().lower(), is_active=True)
            if user.has_usable_password()
        )


class SetPasswordForm(auth_forms.SetPasswordForm):
    new_password1 = forms.CharField(
        label=_("New password"),
        strip=False,
        help_text=_("At least 8 characters. Not only numbers, and not a common password."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    new_password2 = forms.CharField(
        label=_("New password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
