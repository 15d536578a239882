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
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from checkins.alerts.services import alert_resolve
from checkins.alerts.words import alert_detail_shown
from checkins.models import Alert, CheckIn, CheckinAttempt, moment
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
        label=gettext_lazy("What was done about it?"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "For example: 'Poster replaced; the hot drink now needs the location.'"
        ),
    )


class OpenOrResolvedFilter(admin.SimpleListFilter):
    title = gettext_lazy("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("open", _("open")), ("resolved", _("resolved"))]

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
    search_fields = ["venue__name", "detail"]  # (the English detail)
    date_hierarchy = "created_at"
    actions = ["resolve"]
    fields = [
        "what",
        "venue",
        "what_happened",
        "occurrences",
        "created_at",
        "last_seen_at",
        "state",
        "look_at",
    ]
    readonly_fields = fields

    @admin.display(description=gettext_lazy("alert"), ordering="kind")
    def what(self, alert):
        return alert.get_kind_display()

    @admin.display(description=gettext_lazy("detail"))
    def what_happened(self, alert):
        return alert_detail_shown(alert)

    @admin.display(description=gettext_lazy("state"), ordering="resolved_at")
    def state(self, alert):
        if alert.resolved_at is None:
            return _("open")
        when = moment(alert.resolved_at)
        if alert.resolution:
            return _("resolved %(when)s: %(resolution)s") % {
                "when": when,
                "resolution": alert.resolution,
            }
        return _("resolved %(when)s") % {"when": when}

    @admin.display(description=gettext_lazy("look at"))
    def look_at(self, alert):
        links = []
        if alert.account_id and alert.kind != Alert.Kind.STAFF_BURST:
            links.append((_("The resident's check-ins"), history_url(CheckIn, alert.account_id)))
            links.append(
                (
                    _("The resident's refused check-ins"),
                    history_url(CheckinAttempt, alert.account_id),
                )
            )
        if alert.checkin_id:
            links.append(
                (
                    _("The check-in (void it from there)"),
                    reverse("admin:checkins_checkin_change", args=[alert.checkin_id]),
                )
            )
        if alert.poster_id and alert.poster.revoked_at is None:
            links.append(
                (
                    _("Revoke the poster and print its replacement"),
                    reverse("admin:venues_poster_replace", args=[alert.poster_id]),
                )
            )
        if alert.resolved_at is None:
            links.append(
                (_("Mark it resolved"), reverse("admin:checkins_alert_resolve", args=[alert.pk]))
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
            return _("The alert is resolved."), page

        return form_action(
            self,
            request,
            title=_("Mark this alert resolved"),
            facts=((_("Alert"), alert.get_kind_display()), (_("Venue"), alert.venue.name)),
            intro=(alert_detail_shown(alert),),
            form=ResolveForm(posted(request)),
            button=_("Mark it resolved"),
            back_url=page,
            perform=perform,
        )

    @admin.action(description=gettext_lazy("Mark the selected alerts resolved"))
    def resolve(self, request, queryset):
        def perform(alerts):
            for alert in alerts:
                alert_resolve(alert=alert, by=request.user)
            return ngettext(
                "%(count)d alert resolved.", "%(count)d alerts resolved.", len(alerts)
            ) % {"count": len(alerts)}

        return confirmed_action(
            self,
            request,
            queryset,
            question=_("Mark these alerts resolved?"),
            button=_("Yes, they are resolved"),
            perform=lambda qs: perform(list(qs)),
        )
