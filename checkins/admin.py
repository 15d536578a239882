"""Back office for check-ins: the fraud log and the visits, each limited to the venues the
staff member manages (superusers see all). Comment moderation is in ``checkins.comments.admin``,
registered from here (the admin discovers only each app's ``admin`` module)."""

from django.contrib import admin

from checkins.comments import admin as comments_admin  # noqa: F401 (registers CommentAdmin)
from checkins.models import CheckIn, CheckinAttempt
from venues.admin import ManagedVenueRowsAdmin


class ManagedVenueAdmin(ManagedVenueRowsAdmin):
    """Read-only lists of rows at the venues the user manages. Staff see people by display
    name only, and never where a phone was: emails and raw coordinates are for superusers."""

    private_fields = ("latitude", "longitude", "accuracy_m")

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        if request.user.is_superuser:
            return fields
        fields = [field for field in fields if field not in self.private_fields]
        return ["visitor" if field == "resident" else field for field in fields]

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "visitor"]


class VisitorColumn:
    @admin.display(description="visitor")
    def visitor(self, row):
        return row.resident.display_name


@admin.register(CheckinAttempt)
class CheckinAttemptAdmin(VisitorColumn, ManagedVenueAdmin):
    """Refused check-ins for fraud review."""

    list_display = ["created_at", "reason", "venue", "visitor", "method", "distance_m"]
    list_filter = ["reason", "method", "created_at"]
    search_fields = ["venue__name", "resident__display_name"]
    date_hierarchy = "created_at"
    list_select_related = ["venue", "resident"]


@admin.register(CheckIn)
class CheckInAdmin(VisitorColumn, ManagedVenueAdmin):
    list_display = ["created_at", "venue", "visitor", "method", "distance_m"]
    list_filter = ["method", "created_at"]
    search_fields = ["venue__name", "resident__display_name"]
    date_hierarchy = "created_at"
    list_select_related = ["venue", "resident"]
