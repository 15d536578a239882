"""The base of the back-office pages that create and edit through the API's services (offers,
catalog items): the same rules, the same words, and a refusal shown on the form, never a 500.

How a refusal reaches the form. Django's admin shows a page again only when its form is
invalid, and saves only after that. So the form asks the service's own checks before the save
(``offer_create_errors``, ``catalog_item_update_errors``...: the functions the services raise
from, so nothing is restated here), puts each message beside its field (the rest at the top),
and ``save_form`` then calls the service itself. Why not the alternatives: running the service
inside ``clean`` in a savepoint rolled back writes everything twice, and keeping that write
would make a form's validation write to the database.

The checks that read the database (rewards already given, units already claimed) are read
without the service's locks, so they can change before the save. Then the service refuses under
its lock, the admin's transaction writes nothing, and the page is shown again with the refusal
at the top (`ServiceAdmin.changeform_view`).
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms.models import construct_instance
from django.http import HttpResponseRedirect
from django.utils.translation import gettext

from backend.errors import ApplicationError
from venues.back_office import ScopedAdmin


def every_venue_of(thing) -> str:
    """Where an offer, a catalog item or a voucher holds: its venue's name, or its council's
    every venue, in words."""
    if thing.venue:
        return thing.venue.name
    return gettext("every venue of %(council)s") % {"council": thing.council.name}


class ServiceForm(forms.ModelForm):
    """A ModelForm judged by its service rather than by the model's constraints.

    The model's constraints state the service's rules again in database words ("Constraint
    “offer_per_user_limit_positive” is violated."); they are left to the database, and people
    read the service's messages, beside the field they are about. Fields the database checks
    but no service does get a form-field bound (``min_value``) instead, as the API's serializers.
    """

    def service_errors(self) -> dict[str, list[str]]:
        """What the service would refuse in ``self.cleaned_data``."""
        raise NotImplementedError

    def service_changes(self, allowed) -> dict:
        """The edited fields the service accepts, as changed on this form."""
        return {
            name: self.cleaned_data[name]
            for name in self.changed_data
            if name in allowed and name in self.cleaned_data
        }

    def _post_clean(self):
        try:
            self.instance = construct_instance(
                self, self.instance, self._meta.fields, self._meta.exclude
            )
            self.instance.full_clean(
                exclude=self._get_validation_exclusions(),
                validate_unique=False,
                validate_constraints=False,
            )
        except ValidationError as exc:
            self._update_errors(exc)
        if not self.errors:
            try:
                problems = self.service_errors()
            except ApplicationError as refused:  # e.g. a field the service may not change
                problems = refused.extra.get("fields") or {None: [refused.detail]}
            for field, field_messages in problems.items():
                self.add_error(field if field in self.fields else None, field_messages)


class ServiceAdmin(ScopedAdmin):
    """Saves through ``save_with_service`` (the API's service) instead of ``form.save()``."""

    def save_with_service(self, request, form, change: bool):
        raise NotImplementedError

    def save_form(self, request, form, change):
        return self.save_with_service(request, form, change)

    def save_model(self, request, obj, form, change):
        """Nothing left to do: the service saved ``obj`` in ``save_form``."""

    def save_related(self, request, form, formsets, change):
        """No many-to-many fields and no inlines: nothing to save beside the object."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ApplicationError as refused:
            # Only a refusal the form's check could not see gets here (something changed in
            # between); the admin's transaction has rolled back, so nothing was saved.
            details = [refused.detail]
            for field_messages in (refused.extra.get("fields") or {}).values():
                details.extend(field_messages)
            self.message_user(
                request,
                gettext("Not saved: %(reasons)s") % {"reasons": " ".join(details)},
                messages.ERROR,
            )
            return HttpResponseRedirect(request.get_full_path())
