"""Who sees what in the back office (Django admin), by role, scoped as the API is.

- superuser: everything;
- council admin: their councils, and everything of those councils' venues;
- venue manager: everything of their venues (not council-wide things, not other venues);
- venue staff: no back office at all; the redemption desk (``/desk/``) is theirs;
- anyone else: a page that says the back office is for council and venue staff.

Every ModelAdmin of the project derives from `ScopedAdmin` and says, with ``venue_path`` and
``council_path`` (ORM lookups from the model), how an object belongs to a venue or a council;
the queryset, the object permissions, the related-object choices and the filters all follow
from that, so no admin can forget the scope. Who holds what where is `venues.access`'s
answer, read once per request.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.db import models
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext

from venues.access import Access, Level, request_access
from venues.models import Council, Venue


def back_office_access(request) -> Access:
    """The caller's access (venues.access), read once per request: admin pages ask often."""
    return request_access(request)


class DateTimeLocalInput(forms.DateTimeInput):
    """One labelled date-and-time input (the browser's own picker) instead of the admin's split
    date and time boxes, which carry no labels of their own (axe: "label", critical)."""

    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class BoundedDateChangeList(ChangeList):
    """Django's list page, refusing a date drill-down no date can hold (``?created_at__year=
    9999`` asks for the year after it too, and once answered 500): Django answers a refused
    filter with the unfiltered list and ``?e=1``, as for any bad filter."""

    _BOUNDS = {"year": (1, 9998), "month": (1, 12), "day": (1, 31)}

    def get_filters(self, request):
        if self.date_hierarchy:
            for part, (low, high) in self._BOUNDS.items():
                raw = request.GET.get(f"{self.date_hierarchy}__{part}")
                if raw is None:
                    continue
                try:
                    value = int(raw)
                except ValueError as exc:
                    raise IncorrectLookupParameters(exc) from exc
                if not low <= value <= high:
                    raise IncorrectLookupParameters(f"{part} {value} is out of range")
        return super().get_filters(request)


class BoundedDateDrillDown:
    """Mixed into every registered ModelAdmin by ``BackOfficeSite.register`` (third-party ones
    such as django-axes' included)."""

    def get_changelist(self, request, **kwargs):
        return BoundedDateChangeList


class ScopedAdmin(BoundedDateDrillDown, admin.ModelAdmin):
    """Base of every back-office ModelAdmin.

    ``venue_path``: lookup from the model to its venue (None when it has none);
    ``council_path``: lookup to its council (None when only venue-scoped). An object is in
    scope for a council admin through either, for a venue manager through ``venue_path``.
    ``is_read_only``: records of what happened (vouchers, the ledger, check-ins): nobody edits
    them here, superusers included. ``is_superuser_only``: site-wide machinery.
    Deleting is off unless a subclass allows it: history is kept, things are deactivated.
    """

    venue_path: str | None = "venue"
    council_path: str | None = "venue__council"
    is_read_only = False
    is_superuser_only = False
    list_per_page = 50
    formfield_overrides = {
        models.DateTimeField: {"form_class": forms.DateTimeField, "widget": DateTimeLocalInput},
        # Django 6 assumes https for scheme-less URLs typed into a form; so do we, already.
        models.URLField: {"assume_scheme": "https"},
    }

    def scope(self, request, queryset: QuerySet) -> QuerySet:
        access = back_office_access(request)
        if access.is_superuser:
            return queryset
        if self.is_superuser_only:
            return queryset.none()
        return queryset.filter(
            access.scope_filter(
                Level.VENUE_MANAGER, venue_path=self.venue_path, council_path=self.council_path
            )
        )

    def get_queryset(self, request):
        return self.scope(request, super().get_queryset(request))

    def _may_enter(self, request) -> bool:
        access = back_office_access(request)
        if self.is_superuser_only:
            return access.is_superuser
        return access.may_use_back_office

    def has_module_permission(self, request):
        return self._may_enter(request)

    def has_view_permission(self, request, obj=None):
        if not self._may_enter(request):
            return False
        return obj is None or self.get_queryset(request).filter(pk=obj.pk).exists()

    def has_add_permission(self, request, *args):
        return not self.is_read_only and self._may_enter(request)

    def has_change_permission(self, request, obj=None):
        return not self.is_read_only and self.has_view_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        # Django sends someone who opens an object outside their scope to the index with
        # "perhaps it was deleted"; say 404, as the API does for what a caller may not see.
        raise Http404(
            gettext("No %(name)s with this id that you manage.") % {"name": opts.verbose_name}
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        access = back_office_access(request)
        if db_field.related_model is Venue:
            kwargs["queryset"] = (
                access.venues(Level.VENUE_MANAGER).filter(is_active=True).order_by("name")
            )
        elif db_field.related_model is Council:
            kwargs["queryset"] = access.councils(Level.COUNCIL_ADMIN).order_by("name")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ScopedRelatedFilter(admin.RelatedOnlyFieldListFilter):
    """A filter by venue or council that lists only what the person may see (Django's own
    lists every row of the related table: 151 councils to a Leeds admin)."""


def confirmed_action(model_admin, request, queryset, *, question: str, button: str, perform):
    """Run an admin action only once the person has confirmed it on a page listing what it
    touches (as Django's own "delete selected" does). ``perform(queryset)`` returns the message
    shown afterwards."""
    from django.contrib import messages
    from django.contrib.admin import helpers
    from django.template.response import TemplateResponse

    if request.POST.get("confirmed") == "yes":
        model_admin.message_user(request, perform(queryset), messages.SUCCESS)
        return None
    return TemplateResponse(
        request,
        "admin/back_office/confirm_action.html",
        {
            **model_admin.admin_site.each_context(request),
            "title": question,
            "question": question,
            "button": button,
            "objects": list(queryset),
            "opts": model_admin.model._meta,
            "action": request.POST.get("action"),
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        },
    )


def form_action(
    model_admin,
    request,
    *,
    title: str,
    form,
    button: str,
    back_url: str,
    perform,
    intro: tuple[str, ...] = (),
    facts: tuple[tuple[str, str], ...] = (),
):
    """A page that asks what an action on one object needs (a reason, a note) and runs it: a
    valid POST calls ``perform(form.cleaned_data)``, which returns ``(message, next_url)``; a
    service's refusal (`ApplicationError`) is shown on the form, beside its field when it
    names one."""
    from django.contrib import messages
    from django.http import HttpResponseRedirect
    from django.template.response import TemplateResponse

    from backend.errors import ApplicationError

    if request.method == "POST" and form.is_valid():
        try:
            message, next_url = perform(form.cleaned_data)
        except ApplicationError as refusal:
            fields = refusal.extra.get("fields") or {None: [refusal.detail]}
            for field, field_errors in fields.items():
                form.add_error(field if field in form.fields else None, field_errors)
        else:
            model_admin.message_user(request, message, messages.SUCCESS)
            return HttpResponseRedirect(next_url)
    return TemplateResponse(
        request,
        "admin/back_office/action_form.html",
        {
            **model_admin.admin_site.each_context(request),
            "title": title,
            "intro": intro,
            "facts": facts,
            "form": form,
            "button": button,
            "back_url": back_url,
            "opts": model_admin.model._meta,
        },
    )


def posted(request):
    """The form data of a POST (even an empty one), None for a GET: a form to bind."""
    return request.POST if request.method == "POST" else None
