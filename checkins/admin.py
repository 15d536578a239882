"""Back office for check-ins: the fraud log and the visits at the venues the person manages
(superusers see all), read-only: they are records of what happened. Staff see residents by
display name only, and never where a phone was: emails and raw coordinates are for superusers.
Comment moderation is in ``checkins.comments.admin``, registered from here (the admin
discovers only each app's ``admin`` module)."""

from django.contrib import admin

from checkins.comments import admin as comments_admin  # noqa: F401 (registers CommentAdmin)
from checkins.models import CheckIn, CheckinAttempt
from venues.back_office import ScopedAdmin, ScopedRelatedFilter


class VisitRecordAdmin(ScopedAdmin):
    is_read_only = True
    private_fields = ("resident", "latitude", "longitude", "accuracy_m")
    list_select_related = ["venue", "resident"]
    search_fields = ["venue__name", "resident__display_name"]
    date_hierarchy = "created_at"

    def get_fields(self, request, obj=None):
        fields = [field.name for field in self.model._meta.fields if field.name != "id"]
        if request.user.is_superuser:
            return fields
        return [
            "visitor" if field == "resident" else field
            for field in fields
            if field not in self.private_fields[1:]
        ]

    def get_readonly_fields(self, request, obj=None):
        return [*self.get_fields(request, obj), "visitor"]

    def lookup_allowed(self, lookup, value, request=None):
        # Hidden columns must not be searchable either: filtering on them by hand
        # (?latitude__gte=...) would locate a named resident's phone by the row count.
        if lookup.split("__")[0] in self.private_fields and not (
            request is not None and request.user.is_superuser
        ):
            return False
        return super().lookup_allowed(lookup, value, request)

    @admin.display(description="visitor", ordering="resident__display_name")
    def visitor(self, row):
        return row.resident.display_name if row.resident_id else "-"


@admin.register(CheckinAttempt)
class CheckinAttemptAdmin(VisitRecordAdmin):
    """Refused check-ins, for fraud review."""

    list_display = ["created_at", "reason", "venue", "visitor", "method", "distance_m"]
    list_filter = ["reason", "method", ("venue", ScopedRelatedFilter)]


@admin.register(CheckIn)
class CheckInAdmin(VisitRecordAdmin):
    list_display = ["created_at", "venue", "visitor", "method", "distance_m"]
    list_filter = ["method", ("venue", ScopedRelatedFilter)]
