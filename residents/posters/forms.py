from django import forms
from django.utils.translation import gettext_lazy as _

from accounts import ages
from checkins.comments.services import BODY_MAX_LENGTH


class CheckinForm(forms.Form):
    """The hidden fix the page's script adds when the phone gives its position; without it
    (no JavaScript, or the position refused) the check-in is the QR's alone."""

    latitude = forms.FloatField(required=False, min_value=-90, max_value=90)
    longitude = forms.FloatField(required=False, min_value=-180, max_value=180)
    accuracy_m = forms.FloatField(required=False)
    # A parent's choice of who checks in ("me", or one of their children's ids).
    for_child = forms.UUIDField(required=False)

    def fix_fields(self) -> tuple[float, float, float] | None:
        """The whole fix, or None when any part is missing or malformed."""
        if not self.is_valid():
            return None
        data = self.cleaned_data
        values = (data.get("latitude"), data.get("longitude"), data.get("accuracy_m"))
        return None if None in values else values

    def child_id(self):
        """The child the parent chose, or None for themselves (or a malformed choice)."""
        return self.cleaned_data.get("for_child") if self.is_valid() else None


class CommentForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("Your rating (optional)"),
        choices=[
            ("", _("No rating")),
            ("5", _("5: excellent")),
            ("4", _("4: good")),
            ("3", _("3: all right")),
            ("2", _("2: poor")),
            ("1", _("1: very poor")),
        ],
        coerce=int,
        empty_value=None,
        required=False,
    )
    body = forms.CharField(
        label=_("Your comment"),
        help_text=_("Other visitors will see it with your display name."),
        max_length=BODY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Write your comment.")},
    )

    def __init__(self, *args, author=None, **kwargs):
        super().__init__(*args, **kwargs)
        if author is not None and author.is_authenticated and ages.is_minor(author):
            self.fields["body"].help_text = _(
                "Other visitors will see it without your name, once the venue has read it."
            )


class PosterCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Poster code"),
        help_text=_("The 8 letters and numbers printed under the QR code, e.g. K7QM-P3XH."),
        max_length=20,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "class": "code",
            }
        ),
        error_messages={"required": _("Enter the code under the QR code.")},
    )
