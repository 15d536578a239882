"""The back office for councils, venues and roles (scoped by role: venues.back_office).

Venues are saved by the venue services, as the API saves them: the form locates an edited or
new venue first (a new address without coordinates is geocoded) and checks the council's
(name, postcode) key, so every refusal is an error on the form, never a 500. Council admins
import venues from CSV here too (venues.importing.page). Posters are in venues.posters.admin.
"""

from django import forms
from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.dates import WEEKDAYS as DAY_NAMES
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst
from django.utils.translation import gettext, ngettext, pgettext
from django.utils.translation import gettext_lazy as _

from accounts.admin_display import yes_no_icon
from accounts.models import User, normalize_email
from backend.errors import ApplicationError
from venues.access import Level
from venues.activity import admin as activity_admin  # noqa: F401 (registers it)
from venues.back_office import (
    ScopedAdmin,
    ScopedRelatedFilter,
    back_office_access,
)
from venues.foursquare.admin import (
    FoursquareDriftFilter,
    FoursquareProposalInline,
    VenueFoursquareAdminMixin,
)
from venues.importing import page as import_page
from venues.invitations import admin as invitations_admin  # noqa: F401 (registers it)
from venues.invitations.admin import RoleTargetForm
from venues.invitations.services import council_create_and_invite
from venues.links import council_link_delete, council_link_save
from venues.models import Council, CouncilLink, Role, Venue
from venues.opening_hours import OpeningHoursField
from venues.posters import admin as posters_admin  # noqa: F401 (registers PosterAdmin)
from venues.services import (
    VENUE_EDITABLE_FIELDS,
    role_grant,
    role_revoke,
    venue_changes_locate,
    venue_coordinates_locate,
    venue_create,
    venue_deactivate,
    venue_update,
)
from venues.validators import WEEKDAYS, normalise_postcode


class NewCouncilForm(forms.ModelForm):
    """A superuser's "New council": the council, and who will run it (invited at once)."""

    first_admin_email = forms.EmailField(
        label=_("First admin's email"),
        max_length=254,
        help_text=_(
            "They get an invitation to be the council's admin: they then register its "
            "venues and invite the rest of its people."
        ),
    )

    website = forms.URLField(
        label=capfirst(Council._meta.get_field("website").verbose_name),
        required=False,
        assume_scheme="https",
    )

    class Meta:
        model = Council
        fields = ["name", "name_cy", "slug", "language", "website", "first_admin_email"]


@admin.register(Council)
class CouncilAdmin(ScopedAdmin):
    """Council admins see their own council; only superusers add or rename councils. Adding
    one invites its first admin in the same form."""

    venue_path = None
    council_path = "pk"
    list_display = ["name", "slug", "language", "website"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = NewCouncilForm
        return super().get_form(request, obj, change=change, **kwargs)

    def has_module_permission(self, request):
        access = back_office_access(request)
        return access.is_superuser or bool(access.council_ids())

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request) and super().has_view_permission(request, obj)

    def has_add_permission(self, request, *args):
        return back_office_access(request).may("council.create")

    def has_change_permission(self, request, obj=None):
        return back_office_access(request).may("council.change", obj)

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        data = form.cleaned_data
        council, _ = council_create_and_invite(
            slug=data["slug"],
            name=data["name"],
            name_cy=data["name_cy"],
            website=data["website"],
            language=data["language"],
            first_admin_email=data["first_admin_email"],
            by=request.user,
        )
        obj.pk = council.pk
        obj._state.adding = False
        obj.refresh_from_db()
        return None

    def response_add(self, request, obj, post_url_continue=None):
        self.message_user(
            request,
            gettext("%(council)s was created, and its first admin was sent an invitation.")
            % {"council": obj.name},
            messages.SUCCESS,
        )
        return HttpResponseRedirect(reverse("admin:venues_council_changelist"))


@admin.register(CouncilLink)
class CouncilLinkAdmin(ScopedAdmin):
    """A council's own places online, listed on each of its venues' public pages. Its admins
    add, change and remove them; venue managers do not see them."""

    venue_path = None
    council_path = "council"
    list_display = ["label", "url", "council", "position"]
    list_display_links = ["label"]
    list_filter = [("council", ScopedRelatedFilter)]
    fields = ["council", "label", "label_cy", "url", "position"]
    ordering = ["council__name", "position", "label"]

    def has_module_permission(self, request):
        access = back_office_access(request)
        return access.is_superuser or bool(access.council_ids())

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request) and super().has_view_permission(request, obj)

    def has_add_permission(self, request, *args):
        return self.has_module_permission(request)

    def has_delete_permission(self, request, obj=None):
        return self.has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        council_link_save(link=obj, by=request.user)

    def delete_model(self, request, obj):
        council_link_delete(link=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for link in queryset:
            council_link_delete(link=link, by=request.user)


class VenueAdminForm(forms.ModelForm):
    """Locates the venue as the API does and checks the council's (name, postcode) key, so an
    address that cannot be located or a duplicate is an error on the form."""

    opening_hours = OpeningHoursField()
    latitude = forms.FloatField(
        required=False,
        min_value=-90,
        max_value=90,
        label=capfirst(Venue._meta.get_field("latitude").verbose_name),
        help_text=_("Leave empty to find it from the address."),
    )
    longitude = forms.FloatField(
        label=capfirst(Venue._meta.get_field("longitude").verbose_name),
        required=False,
        min_value=-180,
        max_value=180,
    )
    website = forms.URLField(
        label=capfirst(Venue._meta.get_field("website").verbose_name),
        required=False,
        assume_scheme="https",
        help_text=Venue._meta.get_field("website").help_text,
    )
    stored_venue: Venue | None = None
    venue_changes: dict | None = None

    class Meta:
        model = Venue
        # What the venue services let anyone edit (the drift is the Foursquare sync's), and
        # the council of a new venue.
        fields = ["council", *VENUE_EDITABLE_FIELDS]

    def clean(self):
        cleaned_data = super().clean()
        if self.errors:
            return cleaned_data
        adding = self.instance._state.adding
        council = cleaned_data["council"] if adding else self.instance.council
        self._refuse_duplicate(council, cleaned_data)
        if adding:
            self._locate_new(cleaned_data)
            return cleaned_data
        self.stored_venue = Venue.objects.get(pk=self.instance.pk)
        changes = {
            name: cleaned_data[name]
            for name in self.changed_data
            if name in VENUE_EDITABLE_FIELDS and name in cleaned_data
        }
        if cleaned_data.get("latitude") is None or cleaned_data.get("longitude") is None:
            # Emptied, as the hint invites: find them again from the (possibly new) address.
            self._locate_new(cleaned_data)
            changes["latitude"], changes["longitude"] = (
                cleaned_data["latitude"],
                cleaned_data["longitude"],
            )
        try:
            self.venue_changes = venue_changes_locate(venue=self.stored_venue, changes=changes)
        except ApplicationError as exc:
            raise forms.ValidationError({"address": exc.detail}) from exc
        return cleaned_data

    def _refuse_duplicate(self, council, cleaned_data) -> None:
        name, postcode = cleaned_data.get("name"), cleaned_data.get("postcode")
        if not (council and name and postcode):
            return
        same = Venue.objects.filter(
            council=council, name=name, postcode=normalise_postcode(postcode)
        ).exclude(pk=self.instance.pk)
        if same.exists():
            raise forms.ValidationError(
                {
                    "name": gettext(
                        "%(council)s already has a venue called '%(name)s' at %(postcode)s."
                    )
                    % {"council": council.name, "name": name, "postcode": postcode}
                }
            )

    def _locate_new(self, cleaned_data) -> None:
        if cleaned_data.get("latitude") is not None and cleaned_data.get("longitude") is not None:
            return
        try:
            cleaned_data["latitude"], cleaned_data["longitude"] = venue_coordinates_locate(
                address=cleaned_data.get("address", ""), postcode=cleaned_data["postcode"]
            )
        except ApplicationError as exc:
            raise forms.ValidationError({"address": exc.detail}) from exc


@admin.register(Venue)
class VenueAdmin(VenueFoursquareAdminMixin, ScopedAdmin):
    venue_path = "pk"
    council_path = "council"
    form = VenueAdminForm
    change_list_template = "admin/venues/venue/change_list_with_import.html"
    list_display = [
        "name",
        "council",
        "category",
        "postcode",
        "active",
        "foursquare_status",
        "foursquare_differs",
    ]
    list_filter = [
        "is_active",
        "category",
        "foursquare_status",
        FoursquareDriftFilter,
        ("council", ScopedRelatedFilter),
    ]
    search_fields = ["name", "postcode", "address"]
    list_select_related = ["council"]
    readonly_fields = [
        "slug",
        "opening_hours_table",
        "foursquare_status",
        "foursquare_synced_at",
        "foursquare_error",
        "foursquare_drift_table",
        "foursquare_listing",
    ]
    inlines = [FoursquareProposalInline]
    actions = ["deactivate", "sync_with_foursquare"]

    def get_urls(self):
        return import_page.urls(self) + super().get_urls()

    def has_add_permission(self, request, *args):
        access = back_office_access(request)
        return access.is_superuser or bool(access.council_ids())

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "council"] if obj is not None else fields

    @admin.display(
        description=Venue._meta.get_field("is_active").verbose_name, ordering="is_active"
    )
    def active(self, venue):
        return yes_no_icon(venue.is_active)

    @admin.display(description=_("opening hours"))
    def opening_hours_table(self, venue):
        hours = venue.opening_hours
        if not hours:
            return gettext("Not known: none have been given.")
        day_names = dict(zip(WEEKDAYS, DAY_NAMES.values(), strict=True))
        closed = pgettext("opening hours", "closed")
        rows = format_html_join(
            "",
            "<tr><th>{}</th><td>{}</td></tr>",
            (
                (
                    day_names[day],
                    ", ".join(f"{i['opens']}-{i['closes']}" for i in hours.get(day) or [])
                    or closed,
                )
                for day in WEEKDAYS
            ),
        )
        return format_html("<table>{}</table>", rows)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ApplicationError as refused:
            # Only what changed between the form's checks and the save gets here (another
            # person saved the same name meanwhile); the transaction rolled back.
            self.message_user(
                request,
                gettext("Not saved: %(reason)s") % {"reason": refused.detail},
                messages.ERROR,
            )
            return HttpResponseRedirect(request.get_full_path())

    def save_model(self, request, obj, form, change):
        """Saved by the venue services, as the API saves: the form has already located the
        venue, so neither geocodes again."""
        if change:
            saved = venue_update(
                venue=form.stored_venue, changes=form.venue_changes, actor=request.user
            )
        else:
            fields = {name: form.cleaned_data[name] for name in VENUE_EDITABLE_FIELDS}
            saved = venue_create(council=form.cleaned_data["council"], actor=request.user, **fields)
            obj.pk = saved.pk
            obj._state.adding = False
        obj.refresh_from_db()

    @admin.action(description=_("Deactivate the selected venues"))
    def deactivate(self, request, queryset):
        for venue in queryset:
            venue_deactivate(venue=venue, actor=request.user)
        count = queryset.count()
        self.message_user(
            request,
            ngettext("%(count)d venue deactivated.", "%(count)d venues deactivated.", count)
            % {"count": count},
            messages.SUCCESS,
        )


class RoleGrantForm(RoleTargetForm):
    """Roles > Add: give an existing account a role (anyone new is invited instead)."""

    class Meta(RoleTargetForm.Meta):
        model = Role

    def clean(self):
        cleaned = super().clean()
        email = cleaned.get("email")
        if email and not User.objects.filter(email=normalize_email(email), is_active=True).exists():
            self.add_error(
                "email",
                gettext(
                    "No account has this email. Invite the person instead (Invitations > Add): "
                    "they make their account from the invitation's link."
                ),
            )
        return cleaned


@admin.register(Role)
class RoleAdmin(ScopedAdmin):
    """Who holds which role: council admins see, give and end the roles of their council,
    managers those of their venue's staff (and see their venue's other roles). Roles are
    never edited: end one and give another. Anyone without an account is invited instead."""

    venue_path = "venue"
    council_path = "council"
    list_display = ["person", "role", "council", "venue", "created_at"]
    list_filter = ["role", ("council", ScopedRelatedFilter)]
    search_fields = ["user__email", "user__display_name", "venue__name"]
    list_select_related = ["user", "council", "venue"]
    readonly_fields = ["user", "role", "council", "venue", "granted_by", "created_at"]

    def scope(self, request, queryset):
        access = back_office_access(request)
        return queryset.filter(
            access.scope_filter(Level.VENUE_MANAGER, venue_path="venue", council_path="council")
        )

    @admin.display(description=_("person"), ordering="user__display_name")
    def person(self, role):
        return f"{role.user.display_name} ({role.user.email})"

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = RoleGrantForm.for_access(back_office_access(request))
        return super().get_form(request, obj, change=change, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.readonly_fields

    def get_fields(self, request, obj=None):
        return super().get_fields(request, obj) if obj is None else self.readonly_fields

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        access = back_office_access(request)
        if obj is None:
            return access.may_use_back_office
        return access.may("role.revoke", obj)

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        granted = role_grant(
            council=data["council"],
            email=data["email"],
            role=data["role"],
            venue=data.get("venue"),
            granted_by=request.user,
        )
        obj.pk = granted.pk
        obj._state.adding = False
        obj.refresh_from_db()

    def add_view(self, request, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), "show_save_and_continue": False}
        return super().add_view(request, form_url, extra_context)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ApplicationError as refused:  # e.g. the person holds the role already
            self.message_user(
                request,
                gettext("Not given: %(reason)s") % {"reason": refused.detail},
                messages.ERROR,
            )
            return HttpResponseRedirect(request.get_full_path())

    def delete_model(self, request, obj):
        role_revoke(role=obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        access = back_office_access(request)
        for role in queryset.select_related("user", "council", "venue"):
            if access.may("role.revoke", role):
                role_revoke(role=role, actor=request.user)
