"""Alerts in the back office: the venue's managers and the council's admins see their alerts,
and from one go to what it is about: the resident's history (their check-ins and refusals at
the venues they manage), the check-in to void, the leaked poster to revoke and reprint in one
step. Resolving asks what was done about it."""

from django import forms
from django.contrib import admin
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html_join
from django.utils.http import urlencode
from django.utils.timezone import localtime

from checkins.alerts.services import alert_resolve
from checkins.models import Alert, CheckIn, CheckinAttempt
from venues.back_office import (
    ScopedAdmin,
    ScopedRelatedFilter,
    confirmed_action,
    form_action,
    posted,
)


def history_url(model, resident_id) -> str:
    """A resident's rows of ``model`` (check-ins or refusals) in the back office: their history
    at the venues the person manages (the lists are scoped)."""
    changelist = reverse(f"admin:checkins_{model._meta.model_name}_changelist")
    return f"{changelist}?{urlencode({'resident__id__exact': resident_id})}"


class ResolveForm(forms.Form):
    resolution = forms.CharField(
        label="What was done about it?",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example: 'Poster replaced; the hot drink now needs the location.'",
    )


class OpenOrResolvedFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("open", "open"), ("resolved", "resolved")]

    def queryset(self, request, queryset):
        if self.value() == "open":
            return queryset.filter(resolved_at__isnull=True)
        if self.value() == "resolved":
            return queryset.filter(resolved_at__isnull=False)
        return queryset


@admin.register(Alert)
class AlertAdmin(ScopedAdmin):
    is_read_only = True
    venue_path, council_path = "venue", "venue__council"
    list_display = ["created_at", "what", "venue", "occurrences", "last_seen_at", "state"]
    list_filter = [OpenOrResolvedFilter, "kind", ("venue", ScopedRelatedFilter)]
    list_select_related = ["venue"]
    search_fields = ["venue__name", "detail"]
    date_hierarchy = "created_at"
    actions = ["resolve"]
    fields = [
        "what",
        "venue",
        "detail",
        "occurrences",
        "created_at",
        "last_seen_at",
        "state",
        "look_at",
    ]
    readonly_fields = fields

    @admin.display(description="alert", ordering="kind")
    def what(self, alert):
        return alert.get_kind_display()

    @admin.display(description="state", ordering="resolved_at")
    def state(self, alert):
        if alert.resolved_at is None:
            return "open"
        done = f": {alert.resolution}" if alert.resolution else ""
        return f"resolved {localtime(alert.resolved_at):%d %b %Y %H:%M}{done}"

    @admin.display(description="look at")
    def look_at(self, alert):
        links = []
        if alert.account_id and alert.kind != Alert.Kind.STAFF_BURST:
            links.append(("The resident's check-ins", history_url(CheckIn, alert.account_id)))
            links.append(
                ("The resident's refused check-ins", history_url(CheckinAttempt, alert.account_id))
            )
        if alert.checkin_id:
            links.append(
                (
                    "The check-in (void it from there)",
                    reverse("admin:checkins_checkin_change", args=[alert.checkin_id]),
                )
            )
        if alert.poster_id and alert.poster.revoked_at is None:
            links.append(
                (
                    "Revoke the poster and print its replacement",
                    reverse("admin:venues_poster_replace", args=[alert.poster_id]),
                )
            )
        if alert.resolved_at is None:
            links.append(
                ("Mark it resolved", reverse("admin:checkins_alert_resolve", args=[alert.pk]))
            )
        return (
            format_html_join(
                "", '<p><a href="{}">{}</a></p>', ((url, label) for label, url in links)
            )
            or "-"
        )

    def get_urls(self):
        view = self.admin_site.admin_view(self.resolve_view)
        return [
            path("<uuid:alert_id>/resolve/", view, name="checkins_alert_resolve"),
            *super().get_urls(),
        ]

    def resolve_view(self, request, alert_id):
        alert = get_object_or_404(self.get_queryset(request), pk=alert_id)
        page = reverse("admin:checkins_alert_change", args=[alert.pk])

        def perform(data):
            alert_resolve(alert=alert, by=request.user, resolution=data["resolution"])
            return "The alert is resolved.", page

        return form_action(
            self,
            request,
            title="Mark this alert resolved",
            facts=(("Alert", alert.get_kind_display()), ("At", alert.venue.name)),
            intro=(alert.detail,),
            form=ResolveForm(posted(request)),
            button="Mark it resolved",
            back_url=page,
            perform=perform,
        )

    @admin.action(description="Mark the selected alerts resolved")
    def resolve(self, request, queryset):
        def perform(alerts):
            for alert in alerts:
                alert_resolve(alert=alert, by=request.user)
            return f"{len(alerts)} alert(s) resolved."

        return confirmed_action(
            self,
            request,
            queryset,
            question="Mark these alerts resolved?",
            button="Yes, they are resolved",
            perform=lambda qs: perform(list(qs)),
        )
