"""Back office for check-ins: the fraud log, visits and comment moderation, each limited to
the venues the staff member manages (superusers see all)."""

from django.contrib import admin

from checkins.models import CheckIn, CheckinAttempt, Comment
from checkins.services import comment_hide, comment_restore
from venues.admin import holds_managing_role, managed_venues


class ManagedVenueAdmin(admin.ModelAdmin):
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


@admin.register(Comment)
class CommentAdmin(ManagedVenueAdmin):
    list_display = ["created_at", "venue", "author_name", "rating", "status", "hidden_reason"]
    list_filter = ["status", "rating"]
    search_fields = ["body", "venue__name"]
    list_select_related = ["venue", "author"]
    actions = ["hide", "restore"]

    def has_change_permission(self, request, obj=None):
        return holds_managing_role(request.user)  # for the moderation actions

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in Comment._meta.fields]

    def get_fields(self, request, obj=None):
        return [
            "venue",
            "author_name",
            "body",
            "rating",
            "status",
            "hidden_reason",
            "hidden_at",
            "created_at",
        ]

    @admin.display(description="author")
    def author_name(self, comment):
        return comment.author.display_name

    @admin.action(description="Hide the selected comments")
    def hide(self, request, queryset):
        for comment in queryset:
            comment_hide(comment=comment, by=request.user, reason="Hidden in the back office")

    @admin.action(description="Restore the selected comments")
    def restore(self, request, queryset):
        for comment in queryset:
            comment_restore(comment=comment, by=request.user)
