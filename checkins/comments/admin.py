"""Comment moderation in the back office: the comments at the venues the staff member
manages, with hide and restore actions that go through the comment services."""

from django.contrib import admin

from checkins.comments.services import comment_hide, comment_restore
from checkins.models import Comment
from venues.admin import ManagedVenueRowsAdmin, holds_managing_role


@admin.register(Comment)
class CommentAdmin(ManagedVenueRowsAdmin):
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
