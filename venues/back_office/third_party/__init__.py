"""The back office's pages of the libraries it shows (django-axes, SimpleJWT's token blacklist):
what their own admins get wrong, put right. ``BackOfficeSite.register`` mixes these into the
libraries' admin classes as each library registers its models (``site.FIXES``); they import
no library's admin module, which registers its models as it is imported.

- django-axes' "Clean up expired attempts" reads ``request.axes_attempt_time``, which axes 8
  sets only on a sign-in attempt: from the back office the action answered 500. Its message was
  an f-string inside ``gettext`` (never translated); ours is marked.
- Words the libraries leave unmarked, shown in the reader's language: axes' records name
  themselves in English (their ``__str__``), the token blacklist's fields have no marked names,
  and axes' "locked out" column said "True" or "False".
"""

from django import forms
from django.contrib.admin import helpers
from django.utils import timezone
from django.utils.formats import localize
from django.utils.html import format_html
from django.utils.translation import gettext


def when(moment) -> str:
    return localize(timezone.localtime(moment)) if moment else "-"


class ShownInTheReadersLanguage:
    """An admin whose model names its objects in English only (``__str__``): its pages name
    them with ``shown_as`` instead (the object's page, its breadcrumb, the list's check box)."""

    change_form_template = "admin/back_office/third_party_change_form.html"

    def shown_as(self, obj) -> str:
        raise NotImplementedError

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context["subtitle"] = context["shown_as"] = self.shown_as(obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def action_checkbox(self, obj):
        label = format_html(gettext("Select this object for an action - {}"), self.shown_as(obj))
        checkbox = forms.CheckboxInput({"class": "action-select", "aria-label": label})
        return checkbox.render(helpers.ACTION_CHECKBOX_NAME, str(obj.pk))
