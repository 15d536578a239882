from django import forms


class ClaimForm(forms.Form):
    """One claim attempt: the page puts a fresh key in each "Claim" form, so a double submit
    (or a retry after a dropped connection) sends the same key and claims once."""

    claim_key = forms.CharField(min_length=1, max_length=255)
