"""Comment moderation in the back office: the comments at the venues the person manages, with
their text, rating, author's display name, status and open reports; hide and restore ask for a
confirmation, then go through the comment services (which also close the reports)."""

from django.contrib import admin
from django.db.models import Count, Q
from django.utils.text import Truncator

from checkins.comments.services import comment_hide, comment_restore
from checkins.models import Comment
from venues.back_office import ScopedAdmin, ScopedRelatedFilter, confirmed_action


class ReportedFilter(admin.SimpleListFilter):
    title = "reports"
    parameter_name = "reported"

    def lookups(self, request, model_admin):
        return [("open", "with open reports")]

    def queryset(self, request, queryset):
        if self.value() == "open":
            return queryset.filter(open_reports__gt=0)
        return queryset


@admin.register(Comment)
class CommentAdmin(ScopedAdmin):
    is_read_only = True  # the text is the resident's; moderators hide or restore it
    list_display = [
        "excerpt",
        "rating",
        "author_name",
        "venue",
        "status",
        "open_reports",
        "created_at",
    ]
    list_display_links = ["excerpt"]
    list_filter = ["status", ReportedFilter, "rating", ("venue", ScopedRelatedFilter)]
    search_fields = ["body", "venue__name", "author__display_name"]
    list_select_related = ["venue", "author"]
    actions = ["hide", "restore"]
    fields = [
        "venue",
        "author_name",
        "body",
        "rating",
        "status",
        "open_reports",
        "hidden_reason",
        "hidden_at",
        "created_at",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(open_reports=Count("reports", filter=Q(reports__reviewed_at__isnull=True)))
        )

    @admin.display(description="comment")
    def excerpt(self, comment):
        return Truncator(comment.body).chars(80)

    @admin.display(description="author", ordering="author__display_name")
    def author_name(self, comment):
        return comment.author.display_name

    @admin.display(description="open reports", ordering="open_reports")
    def open_reports(self, comment):
        return comment.open_reports

    @admin.action(description="Hide the selected comments")
    def hide(self, request, queryset):
        def perform(comments):
            for comment in comments:
                comment_hide(comment=comment, by=request.user, reason="Hidden in the back office")
            return f"{len(comments)} comment(s) hidden: they no longer appear to the public."

        return confirmed_action(
            self,
            request,
            queryset,
            question="Hide these comments from the public?",
            button="Yes, hide them",
            perform=lambda qs: perform(list(qs)),
        )

    @admin.action(description="Restore the selected comments")
    def restore(self, request, queryset):
        def perform(comments):
            for comment in comments:
                comment_restore(comment=comment, by=request.user)
            return f"{len(comments)} comment(s) restored: they are public again."

        return confirmed_action(
            self,
            request,
            queryset,
            question="Make these comments public again?",
            button="Yes, restore them",
            perform=lambda qs: perform(list(qs)),
        )
