"""The Foursquare parts of the venue back office: the drift filter, the proposals inline,
the cached listing and drift columns, and the "sync now" action (mixed into ``VenueAdmin``)."""

from django.contrib import admin, messages
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from venues.foursquare.services import foursquare_sync_enqueue
from venues.models import FoursquarePlace, FoursquareProposal


class FoursquareDriftFilter(admin.SimpleListFilter):
    title = _("Foursquare listing")
    parameter_name = "foursquare_drift"

    def lookups(self, request, model_admin):
        return [("differs", _("differs from ours")), ("same", _("matches ours"))]

    def queryset(self, request, queryset):
        if self.value() == "differs":
            return queryset.exclude(foursquare_drift=[])
        if self.value() == "same":
            return queryset.filter(foursquare_drift=[])
        return queryset


class FoursquareProposalInline(admin.TabularInline):
    model = FoursquareProposal
    verbose_name_plural = _("Values proposed to Foursquare")
    fields = ["field", "value", "status", "suggestion_id", "created_at", "resolved_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_view_permission(self, request, obj=None):
        return True  # shown inside a venue's page, which is already scoped to the person

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class VenueFoursquareAdminMixin:
    """Read-only Foursquare columns and the sync action of ``VenueAdmin``."""

    @admin.display(description=_("Foursquare differs"))
    def foursquare_differs(self, venue):
        return ", ".join(item["field"] for item in venue.foursquare_drift) or "-"

    @admin.display(description=_("Where Foursquare differs"))
    def foursquare_drift_table(self, venue):
        if not venue.foursquare_drift:
            return gettext("Nothing (or not linked yet).")
        rows = format_html_join(
            "",
            "<tr><th>{}</th><td>{}</td><td>{}</td></tr>",
            (
                (item["field"], item["council"], item["foursquare"] or gettext("(none)"))
                for item in venue.foursquare_drift
            ),
        )
        return format_html(
            "<table><tr><th></th><th>{}</th><th>Foursquare</th></tr>{}</table>",
            gettext("Council"),
            rows,
        )

    @admin.display(description=_("Foursquare listing (cached)"))
    def foursquare_listing(self, venue):
        place = FoursquarePlace.objects.filter(venue=venue).first()
        if place is None:
            return "-"
        return format_html(
            gettext(
                "{} ({}) &middot; rating {} &middot; popularity {} &middot; tips: {} &middot; "
                "linked by: {} &middot; fetched {}"
            ),
            place.name,
            ", ".join(place.categories) or gettext("no category"),
            place.rating if place.rating is not None else "-",
            place.popularity if place.popularity is not None else "-",
            place.tips_count if place.tips_count is not None else "-",
            place.get_linked_by_display(),
            date_format(timezone.localtime(place.fetched_at), "d M Y H:i"),
        )

    @admin.action(description=_("Sync the selected venues with Foursquare"))
    def sync_with_foursquare(self, request, queryset):
        for venue in queryset:
            foursquare_sync_enqueue(venue=venue)
        count = queryset.count()
        self.message_user(
            request,
            ngettext(
                "Foursquare sync queued for %(count)d venue; its status updates when it has run.",
                "Foursquare sync queued for %(count)d venues; their status updates when it has "
                "run.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )
