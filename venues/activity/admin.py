"""The activity log in the back office: a council's admins read what was changed in their
council, by whom and when, filtered by council, kind of change, venue and date. Read-only for
everyone, superusers included (as the ledger is)."""

from django.contrib import admin
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from venues.activity.models import ActivityEntry
from venues.activity.services import ACTIONS
from venues.back_office import ScopedAdmin, ScopedRelatedFilter, back_office_access


class ActionFilter(admin.SimpleListFilter):
    title = _("what happened")
    parameter_name = "action"

    def lookups(self, request, model_admin):
        return sorted(ACTIONS.items(), key=lambda item: item[1])

    def queryset(self, request, queryset):
        return queryset.filter(action=self.value()) if self.value() else queryset


@admin.register(ActivityEntry)
class ActivityAdmin(ScopedAdmin):
    venue_path = None  # a council's log, for its admins (not its venues' managers)
    council_path = "council"
    is_read_only = True
    date_hierarchy = "at"
    list_display = ["at", "who", "what", "in_words", "venue"]
    list_filter = [
        ActionFilter,
        ("council", ScopedRelatedFilter),
        ("venue", ScopedRelatedFilter),
    ]
    search_fields = ["summary", "actor__email", "actor__display_name"]
    list_select_related = ["actor", "venue", "council"]
    fields = ["at", "who", "what", "in_words", "council", "venue", "object_type", "object_id"]
    readonly_fields = fields

    def has_module_permission(self, request):
        access = back_office_access(request)
        return access.is_superuser or bool(access.council_ids())

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request) and super().has_view_permission(request, obj)

    @admin.display(description=_("who"), ordering="actor__display_name")
    def who(self, entry: ActivityEntry) -> str:
        if entry.actor is None:
            return gettext("a command or background job")
        return f"{entry.actor.display_name} ({entry.actor.email})"

    @admin.display(description=_("what happened"), ordering="action")
    def what(self, entry: ActivityEntry) -> str:
        return ACTIONS.get(entry.action, entry.action)

    @admin.display(description=_("summary"))
    def in_words(self, entry: ActivityEntry) -> str:
        """The summary in the reader's language (the English is kept as the record)."""
        return entry.shown_summary
