"""The back office. Superusers see everything; council admins and venue managers (who get
``is_staff`` with their role) see and edit only the councils and venues their roles cover."""

from django import forms
from django.contrib import admin, messages
from django.db import models
from django.db.models import Q, QuerySet

from backend.errors import ApplicationError
from venues.foursquare.admin import (
    FoursquareDriftFilter,
    FoursquareProposalInline,
    VenueFoursquareAdminMixin,
)
from venues.models import Council, Poster, Role, Venue
from venues.permissions import may_manage
from venues.posters.services import poster_revoke
from venues.services import (
    VENUE_EDITABLE_FIELDS,
    venue_changes_locate,
    venue_create,
    venue_deactivate,
    venue_update,
)

_MANAGING_ROLES = (Role.Kind.COUNCIL_ADMIN, Role.Kind.VENUE_MANAGER)


def managed_venues(user) -> QuerySet[Venue]:
    if user.is_superuser:
        return Venue.objects.all()
    roles = Role.objects.filter(user=user)
    return Venue.objects.filter(
        Q(council__in=roles.filter(role=Role.Kind.COUNCIL_ADMIN).values("council"))
        | Q(id__in=roles.filter(role=Role.Kind.VENUE_MANAGER).values("venue"))
    )


def _administered_councils(user) -> QuerySet[Council]:
    if user.is_superuser:
        return Council.objects.all()
    return Council.objects.filter(roles__user=user, roles__role=Role.Kind.COUNCIL_ADMIN).distinct()


def holds_managing_role(user) -> bool:
    if not user.is_authenticated:  # the sign-in page builds its app list for anonymous visitors
        return False
    return user.is_superuser or Role.objects.filter(user=user, role__in=_MANAGING_ROLES).exists()


class ManagedVenueRowsAdmin(admin.ModelAdmin):
    """Read-only lists of rows (of a model with a ``venue``) at the venues the user manages:
    the base of the other apps' back office pages (check-ins, comments)."""

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(venue__in=managed_venues(request.user))
            .select_related("venue")
        )

    def has_module_permission(self, request):
        return holds_managing_role(request.user)

    def has_view_permission(self, request, obj=None):
        return holds_managing_role(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# Django 6 assumes https for scheme-less URLs typed into a form; so do we, already.
URL_FIELDS_ASSUME_HTTPS = {models.URLField: {"assume_scheme": "https"}}


@admin.register(Council)
class CouncilAdmin(admin.ModelAdmin):
    formfield_overrides = URL_FIELDS_ASSUME_HTTPS
    list_display = ["name", "slug", "website"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return _administered_councils(request.user)

    def has_module_permission(self, request):
        return holds_managing_role(request.user)

    def has_view_permission(self, request, obj=None):
        if obj is None:
            return holds_managing_role(request.user)
        return may_manage(request.user, council=obj)

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


class VenueAdminForm(forms.ModelForm):
    """Locates an edited venue as the API does (a new address without new coordinates is
    geocoded), so that an address that cannot be located is an error on the form."""

    stored_venue: Venue | None = None
    venue_changes: dict | None = None

    def clean(self):
        cleaned_data = super().clean()
        if self.instance._state.adding or self.errors:
            return cleaned_data
        self.stored_venue = Venue.objects.get(pk=self.instance.pk)
        changes = {
            name: cleaned_data[name]
            for name in self.changed_data
            if name in VENUE_EDITABLE_FIELDS and name in cleaned_data
        }
        try:
            self.venue_changes = venue_changes_locate(venue=self.stored_venue, changes=changes)
        except ApplicationError as exc:
            raise forms.ValidationError({"address": exc.detail}) from exc
        return cleaned_data


@admin.register(Venue)
class VenueAdmin(VenueFoursquareAdminMixin, admin.ModelAdmin):
    form = VenueAdminForm
    formfield_overrides = URL_FIELDS_ASSUME_HTTPS
    list_display = [
        "name",
        "council",
        "category",
        "postcode",
        "is_active",
        "foursquare_status",
        "foursquare_differs",
    ]
    list_filter = ["is_active", "category", "foursquare_status", FoursquareDriftFilter, "council"]
    search_fields = ["name", "postcode", "address"]
    list_select_related = ["council"]
    readonly_fields = [
        "id",
        "slug",
        "foursquare_status",
        "foursquare_synced_at",
        "foursquare_error",
        "foursquare_drift_table",
        "foursquare_listing",
    ]
    inlines = [FoursquareProposalInline]
    actions = ["deactivate", "sync_with_foursquare"]
    list_per_page = 50

    def get_queryset(self, request):
        return managed_venues(request.user).select_related("council")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "council":
            kwargs["queryset"] = _administered_councils(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "council"] if obj is not None else fields

    def save_model(self, request, obj, form, change):
        """Saved by the venue services, as the API saves: the form has already located the
        venue (``VenueAdminForm.clean``), so the update does not geocode again."""
        if change:
            saved = venue_update(venue=form.stored_venue, changes=form.venue_changes)
        else:
            fields = {name: form.cleaned_data[name] for name in VENUE_EDITABLE_FIELDS}
            saved = venue_create(council=form.cleaned_data["council"], **fields)
            obj.pk = saved.pk
            obj._state.adding = False
        obj.refresh_from_db()

    def has_module_permission(self, request):
        return holds_managing_role(request.user)

    def has_view_permission(self, request, obj=None):
        if obj is None:
            return holds_managing_role(request.user)
        return may_manage(request.user, venue=obj)

    has_change_permission = has_view_permission

    def has_add_permission(self, request):
        return _administered_councils(request.user).exists()

    def has_delete_permission(self, request, obj=None):
        return False  # venues are deactivated, never deleted: their history stays

    @admin.action(description="Deactivate the selected venues")
    def deactivate(self, request, queryset):
        for venue in queryset:
            venue_deactivate(venue=venue)
        self.message_user(request, f"{queryset.count()} venue(s) deactivated.", messages.SUCCESS)


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "council", "venue", "created_at"]
    list_filter = ["role", "council"]
    search_fields = ["user__email", "council__name", "venue__name"]
    list_select_related = ["user", "council", "venue"]
    raw_id_fields = ["user", "venue", "granted_by"]

    # Roles are granted through the members API (council admins) or here by superusers.
    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(Poster)
class PosterAdmin(admin.ModelAdmin):
    list_display = ["label", "venue", "created_at", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["label", "venue__name"]
    list_select_related = ["venue"]
    readonly_fields = [
        "id",
        "venue",
        "token",
        "created_at",
        "created_by",
        "revoked_at",
        "revoked_by",
    ]
    fields = [
        "id",
        "venue",
        "label",
        "token",
        "created_at",
        "created_by",
        "revoked_at",
        "revoked_by",
    ]
    actions = ["revoke"]

    def get_queryset(self, request):
        return Poster.objects.filter(venue__in=managed_venues(request.user)).select_related("venue")

    def has_module_permission(self, request):
        return holds_managing_role(request.user)

    def has_view_permission(self, request, obj=None):
        if obj is None:
            return holds_managing_role(request.user)
        return may_manage(request.user, venue=obj.venue)

    def has_change_permission(self, request, obj=None):
        return False  # a poster's token is printed: revoke it and make a new one

    def has_add_permission(self, request):
        return False  # made through the API, which signs the token

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Revoke the selected posters")
    def revoke(self, request, queryset):
        for poster in queryset:
            poster_revoke(poster=poster, revoked_by=request.user)
        self.message_user(request, f"{queryset.count()} poster(s) revoked.", messages.SUCCESS)
