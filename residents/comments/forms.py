from django import forms
from django.utils.translation import gettext_lazy as _


class ReportForm(forms.Form):
    reason = forms.CharField(
        label=_("What is wrong with this comment?"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say what is wrong with the comment.")},
    )


class ReplyEmailsForm(forms.Form):
    wants_reply_emails = forms.BooleanField(
        label=_("Email me when a venue replies to my comment"),
        required=False,
    )
