from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.web.forms import BirthYearField


class ChildForm(forms.Form):
    """What ``accounts.children.services.child_add`` needs; it does the checking."""

    first_name = forms.CharField(
        label=_("Child's first name"),
        max_length=60,
        help_text=_("Only you and staff at the desk see it. A first name is enough."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    birth_year = BirthYearField(
        label=_("Year the child was born"),
        help_text=_("For example, 2017. We keep only the year."),
    )


class ChildRemoveForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("Yes, remove this child and delete their data"),
        error_messages={"required": _("Tick the box to say you are sure.")},
    )
