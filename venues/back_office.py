"""Who sees what in the back office (Django admin), by role, scoped as the API is.

- superuser: everything;
- council admin: their councils, and everything of those councils' venues;
- venue manager: everything of their venues (not council-wide things, not other venues);
- venue staff: no back office at all; the redemption desk (``/desk/``) is theirs;
- anyone else: a page that says the back office is for council and venue staff.

Every ModelAdmin of the project derives from `ScopedAdmin` and says, with ``venue_path`` and
``council_path`` (ORM lookups from the model), how an object belongs to a venue or a council;
the queryset, the object permissions, the related-object choices and the filters all follow
from that, so no admin can forget the scope. The roles are read once per request.
"""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.db import models
from django.db.models import Q, QuerySet
from django.http import Http404

from venues.models import Council, Role, Venue


@dataclass(frozen=True)
class BackOfficeAccess:
    is_superuser: bool
    administered_council_ids: frozenset
    managed_venue_ids: frozenset  # venue_manager roles (the councils' venues are by council)
    staff_venue_ids: frozenset

    @property
    def may_use_back_office(self) -> bool:
        return self.is_superuser or bool(self.administered_council_ids or self.managed_venue_ids)

    @property
    def is_desk_staff_only(self) -> bool:
        return not self.may_use_back_office and bool(self.staff_venue_ids)

    def venues(self) -> QuerySet[Venue]:
        if self.is_superuser:
            return Venue.objects.all()
        return Venue.objects.filter(
            Q(council_id__in=self.administered_council_ids) | Q(pk__in=self.managed_venue_ids)
        )

    def councils(self) -> QuerySet[Council]:
        """Councils whose council-wide things this person manages (admins only)."""
        if self.is_superuser:
            return Council.objects.all()
        return Council.objects.filter(pk__in=self.administered_council_ids)

    def councils_seen(self) -> QuerySet[Council]:
        """Councils this person works in at all (to name them, e.g. in filters)."""
        if self.is_superuser:
            return Council.objects.all()
        return Council.objects.filter(
            Q(pk__in=self.administered_council_ids) | Q(venues__pk__in=self.managed_venue_ids)
        ).distinct()


def back_office_access(request) -> BackOfficeAccess:
    """The caller's roles, read once per request (admin pages ask many times)."""
    cached = getattr(request, "_back_office_access", None)
    if cached is not None:
        return cached
    user = request.user
    if not user.is_authenticated or not user.is_active:
        access = BackOfficeAccess(False, frozenset(), frozenset(), frozenset())
    else:
        rows = list(Role.objects.filter(user=user).values_list("role", "council_id", "venue_id"))
        access = BackOfficeAccess(
            is_superuser=user.is_superuser,
            administered_council_ids=frozenset(
                council
                for role, council, venue in rows
                if role == Role.Kind.COUNCIL_ADMIN and venue is None
            ),
            managed_venue_ids=frozenset(
                venue for role, _, venue in rows if role == Role.Kind.VENUE_MANAGER
            ),
            staff_venue_ids=frozenset(
                venue for role, _, venue in rows if role == Role.Kind.VENUE_STAFF
            ),
        )
    request._back_office_access = access
    return access


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
        condition = Q(pk__in=[])
        if self.council_path:
            condition |= Q(**{f"{self.council_path}__in": access.administered_council_ids})
        if self.venue_path:
            condition |= Q(**{f"{self.venue_path}__in": access.managed_venue_ids})
        return queryset.filter(condition)

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
        raise Http404(f"No {opts.verbose_name} with this id that you manage.")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        access = back_office_access(request)
        if db_field.related_model is Venue:
            kwargs["queryset"] = access.venues().filter(is_active=True).order_by("name")
        elif db_field.related_model is Council:
            kwargs["queryset"] = access.councils().order_by("name")
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
