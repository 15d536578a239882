"""Comment moderation in the back office: the comments at the venues the person manages, with
their text, rating, author, status, open reports and the venue's reply.

- **Reply** (``/admin/checkins/comment/<id>/reply/``): write, change or take down the venue's
  one reply, through the reply services (the same checks as the API: blocked words, one reply).
- **Hide** asks for a reason, which the comment's author sees on their own comment: one of the
  standard reasons (shown to them in their language) or the manager's own words. **Restore**
  asks for a confirmation. Both go through the comment services, which also close the reports.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from backend.errors import ApplicationError
from checkins.comments.replies import (
    comment_reply_create,
    comment_reply_delete,
    comment_reply_update,
    reply_signature,
)
from checkins.comments.services import (
    HIDDEN_REASON_MAX_LENGTH,
    HIDE_REASONS,
    comment_hide,
    comment_restore,
    hidden_reason_shown,
)
from checkins.models import Comment, CommentReply
from venues.back_office import ScopedAdmin, ScopedRelatedFilter, confirmed_action

OTHER_REASON = "other"


class ReportedFilter(admin.SimpleListFilter):
    title = gettext_lazy("reports")
    parameter_name = "reported"

    def lookups(self, request, model_admin):
        return [("open", _("with open reports"))]

    def queryset(self, request, queryset):
        if self.value() == "open":
            return queryset.filter(open_reports__gt=0)
        return queryset


class RepliedFilter(admin.SimpleListFilter):
    title = gettext_lazy("reply")
    parameter_name = "replied"

    def lookups(self, request, model_admin):
        return [("no", _("not replied to")), ("yes", _("replied to"))]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(reply__isnull=self.value() == "no")
        return queryset


def hide_reason_choices():
    """The standard reasons, stored in English and offered in the reader's language."""
    return [
        *((text, _(text)) for text in HIDE_REASONS),
        (OTHER_REASON, _("Another reason")),
    ]


class HideReasonForm(forms.Form):
    reason = forms.ChoiceField(
        label=gettext_lazy("Why are you hiding it?"),
        help_text=gettext_lazy("Its author sees this reason on their own comment."),
        choices=hide_reason_choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": gettext_lazy("Choose why you are hiding it: its author will see why.")
        },
    )
    other_reason = forms.CharField(
        label=gettext_lazy("Another reason, in your words"),
        max_length=HIDDEN_REASON_MAX_LENGTH,
        required=False,
        widget=forms.TextInput(attrs={"size": 60}),
    )

    def clean(self):
        data = super().clean()
        if data.get("reason") == OTHER_REASON:
            if not (data.get("other_reason") or "").strip():
                self.add_error("other_reason", _("Write the reason its author will see."))
            data["reason"] = (data.get("other_reason") or "").strip()
        return data


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=gettext_lazy("Reply for the venue"),
        max_length=CommentReply.BODY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6, "cols": 70}),
        error_messages={"required": gettext_lazy("Write the reply.")},
    )


@admin.register(Comment)
class CommentAdmin(ScopedAdmin):
    is_read_only = True  # the text is the resident's; moderators hide, restore or reply
    list_display = [
        "excerpt",
        "reply_state",
        "rating",
        "author_name",
        "venue",
        "status",
        "open_reports",
        "created_at",
    ]
    list_display_links = ["excerpt"]
    list_filter = [
        "status",
        ReportedFilter,
        RepliedFilter,
        "rating",
        ("venue", ScopedRelatedFilter),
    ]
    search_fields = ["body", "venue__name", "author__display_name"]
    list_select_related = ["venue", "author", "reply"]
    actions = ["hide", "restore"]
    fields = [
        "venue",
        "author_name",
        "body",
        "rating",
        "status",
        "open_reports",
        "why_hidden",
        "hidden_at",
        "created_at",
        "reply_shown",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(open_reports=Count("reports", filter=Q(reports__reviewed_at__isnull=True)))
        )

    def get_urls(self):
        view = self.admin_site.admin_view(self.reply_view)
        return [
            path("<uuid:object_id>/reply/", view, name="checkins_comment_reply"),
            *super().get_urls(),
        ]

    @admin.display(description=gettext_lazy("comment"))
    def excerpt(self, comment):
        return Truncator(comment.body).chars(80)

    @admin.display(description=gettext_lazy("author"), ordering="author__display_name")
    def author_name(self, comment):
        return comment.author_shown_as

    @admin.display(description=gettext_lazy("open reports"), ordering="open_reports")
    def open_reports(self, comment):
        return comment.open_reports

    @admin.display(description=gettext_lazy("why it is hidden"))
    def why_hidden(self, comment):
        """The reason its author sees, in the reader's language (a standard one translated)."""
        return hidden_reason_shown(comment) or "-"

    @admin.display(description=gettext_lazy("reply"))
    def reply_state(self, comment):
        replied = getattr(comment, "reply", None) is not None
        return format_html(
            '<a href="{}">{}<span class="visually-hidden"> {}</span></a>',
            reverse("admin:checkins_comment_reply", args=[comment.pk]),
            _("Change reply") if replied else _("Reply"),
            _("to “%(comment)s”") % {"comment": Truncator(comment.body).chars(40)},
        )

    @admin.display(description=gettext_lazy("the venue's reply"))
    def reply_shown(self, comment):
        reply = getattr(comment, "reply", None)
        link = reverse("admin:checkins_comment_reply", args=[comment.pk])
        if reply is None:
            return format_html(
                '{} <a href="{}">{}</a>', _("None yet."), link, _("Reply for the venue")
            )
        return format_html(
            '“{}” ({}) <a href="{}">{}</a>',
            reply.body,
            _("signed: %(name)s") % {"name": reply.signed_by},
            link,
            _("Change or take down the reply"),
        )

    # --- The reply page

    def reply_view(self, request, object_id):
        comment = (
            self.get_queryset(request)
            .select_related("venue__council", "author", "reply")
            .filter(pk=object_id)
            .first()
        )
        if comment is None:
            raise Http404(_("No comment with this id that you manage."))
        signature = reply_signature(request.user, comment)
        if signature is None:
            raise PermissionDenied
        reply = getattr(comment, "reply", None)
        form = ReplyForm(
            request.POST if request.method == "POST" else None,
            initial={"body": reply.body if reply else ""},
        )
        if request.method == "POST":
            done = self._reply_post(request, comment, reply, form)
            if done:
                return HttpResponseRedirect(
                    reverse("admin:checkins_comment_change", args=[comment.pk])
                )
        signer = comment.venue.council.name if signature == "council" else comment.venue.name
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Change the reply") if reply else _("Reply for the venue"),
            "hidden_reason": hidden_reason_shown(comment),
            "comment": comment,
            "reply": reply,
            "signer": signer,
            "form": form,
            "original": comment,
        }
        return TemplateResponse(request, "admin/checkins/comment/reply.html", context)

    def _reply_post(self, request, comment, reply, form) -> bool:
        try:
            if request.POST.get("action") == "delete":
                comment_reply_delete(comment=comment, by=request.user)
                self.message_user(request, _("The reply was taken down."), messages.SUCCESS)
                return True
            if not form.is_valid():
                return False
            body = form.cleaned_data["body"]
            if reply is None:
                comment_reply_create(comment=comment, by=request.user, body=body)
                said = _("The reply is published under the comment; its author is emailed it.")
            else:
                comment_reply_update(comment=comment, by=request.user, body=body)
                said = _("The reply is changed.")
        except ApplicationError as error:
            fields = error.extra.get("fields") or {"body": [error.detail]}
            for name, field_errors in fields.items():
                for text in field_errors:
                    form.add_error(name if name in form.fields else None, text)
            return False
        self.message_user(request, said, messages.SUCCESS)
        return True

    # --- Actions

    @admin.action(description=gettext_lazy("Hide the selected comments"))
    def hide(self, request, queryset):
        comments = list(queryset)
        form = HideReasonForm(request.POST if request.POST.get("confirmed") == "yes" else None)
        if form.is_bound and form.is_valid():
            for comment in comments:
                comment_hide(comment=comment, by=request.user, reason=form.cleaned_data["reason"])
            self.message_user(
                request,
                ngettext(
                    "%(count)d comment hidden: it no longer appears to the public, and its "
                    "author sees why.",
                    "%(count)d comments hidden: they no longer appear to the public, and their "
                    "authors see why.",
                    len(comments),
                )
                % {"count": len(comments)},
                messages.SUCCESS,
            )
            return None
        return TemplateResponse(
            request,
            "admin/checkins/comment/hide.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Hide these comments from the public?"),
                "objects": comments,
                "form": form,
                "opts": self.model._meta,
                "action": request.POST.get("action"),
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            },
        )

    @admin.action(description=gettext_lazy("Restore the selected comments"))
    def restore(self, request, queryset):
        def perform(comments):
            for comment in comments:
                comment_restore(comment=comment, by=request.user)
            return ngettext(
                "%(count)d comment restored: it is public again.",
                "%(count)d comments restored: they are public again.",
                len(comments),
            ) % {"count": len(comments)}

        return confirmed_action(
            self,
            request,
            queryset,
            question=_("Make these comments public again?"),
            button=_("Yes, restore them"),
            perform=lambda qs: perform(list(qs)),
        )
