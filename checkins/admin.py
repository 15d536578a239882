"""Back office for check-ins: the fraud log and the visits at the venues the person manages
(superusers see all). They are records of what happened: nobody edits them; a check-in found to
be fraud is voided (``checkins.voiding``, a page of its own asking why), never changed.

Staff see residents by display name only, and never where a phone was: emails and raw
coordinates are for superusers. A resident's history (their check-ins and refusals at the
venues the person manages) is a filter on the resident's opaque id, linked from each row and
from the alerts. The fraud log reads in words: the rule's name, metres with a unit, and each
refusal linked to the check-in that followed it. Comment moderation is in
``checkins.comments.admin`` and alerts in ``checkins.alerts.admin``, registered from here (the
admin discovers only each app's ``admin`` module).
"""

from datetime import timedelta

from django import forms
from django.contrib import admin
from django.db.models import OuterRef, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from checkins.alerts.admin import history_url  # (and registers AlertAdmin)
from checkins.alerts.words import distance_in_words
from checkins.comments import admin as comments_admin  # noqa: F401 (registers CommentAdmin)
from checkins.error_codes import REFUSAL_NAMES, refusal_name
from checkins.models import CheckIn, CheckinAttempt, moment
from checkins.voiding import REASON_MAX_LENGTH, checkin_void
from rewards.offers.voiding import voided_grants_of
from venues.back_office import ScopedAdmin, ScopedRelatedFilter, form_action, posted

# A refusal is linked to the same resident's next check-in at the venue within this long.
FOLLOWED_WITHIN = timedelta(hours=2)


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
        # Staff who checked someone in or voided a check-in are named by display name in the
        # columns that say so ("shown by", "void"), never by their email.
        hidden = (*self.private_fields[1:], "assisted_by", "voided_by")
        return [
            "visitor" if field == "resident" else field for field in fields if field not in hidden
        ]

    def get_readonly_fields(self, request, obj=None):
        return [*self.get_fields(request, obj), "visitor"]

    def lookup_allowed(self, lookup, value, request=None):
        # Hidden columns must not be searchable either: filtering on them by hand
        # (?latitude__gte=...) would locate a named resident's phone by the row count. A
        # resident's history is asked by their opaque id alone.
        if lookup == "resident__id__exact":
            return True
        if lookup.split("__")[0] in self.private_fields and not (
            request is not None and request.user.is_superuser
        ):
            return False
        return super().lookup_allowed(lookup, value, request)

    @admin.display(description=gettext_lazy("visitor"), ordering="resident__display_name")
    def visitor(self, row):
        if not row.resident_id:
            return "-"
        return format_html(
            '{} (<a href="{}">{}</a>)',
            row.resident.display_name,
            history_url(CheckIn, row.resident_id),
            _("history"),
        )

    @admin.display(description=gettext_lazy("distance"), ordering="distance_m")
    def distance(self, row):
        return "-" if row.distance_m is None else distance_in_words(row.distance_m)


class RefusedForFilter(admin.SimpleListFilter):
    """The refusals by the rule's name (the codes are the API's, not the reader's)."""

    title = gettext_lazy("refused for")
    parameter_name = "reason"

    def lookups(self, request, model_admin):
        return list(REFUSAL_NAMES.items())

    def queryset(self, request, queryset):
        return queryset.filter(reason=self.value()) if self.value() else queryset


@admin.register(CheckinAttempt)
class CheckinAttemptAdmin(VisitRecordAdmin):
    """Refused check-ins, for fraud review."""

    list_display = ["created_at", "rule", "venue", "visitor", "how", "distance", "then"]
    list_filter = [RefusedForFilter, "method", ("venue", ScopedRelatedFilter)]

    def get_fields(self, request, obj=None):
        # The rule's name in words rather than its code.
        return ["rule" if field == "reason" else field for field in super().get_fields(request)]

    def get_queryset(self, request):
        followed = CheckIn.objects.filter(
            resident=OuterRef("resident"),
            venue=OuterRef("venue"),
            created_at__gt=OuterRef("created_at"),
            created_at__lte=OuterRef("created_at") + FOLLOWED_WITHIN,
        ).order_by("created_at")
        return (
            super()
            .get_queryset(request)
            .annotate(
                then_id=Subquery(followed.values("pk")[:1]),
                then_evidence=Subquery(followed.values("evidence")[:1]),
            )
        )

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "rule", "distance", "then"]

    @admin.display(description=gettext_lazy("refused for"), ordering="reason")
    def rule(self, attempt):
        return refusal_name(attempt.reason)

    @admin.display(description=gettext_lazy("how"), ordering="method")
    def how(self, attempt):
        return attempt.get_method_display()

    @admin.display(description=gettext_lazy("then checked in"))
    def then(self, attempt):
        then_id = getattr(attempt, "then_id", None)
        if then_id is None:
            return "-"
        evidence = CheckIn.Evidence(attempt.then_evidence).label
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:checkins_checkin_change", args=[then_id]),
            _("yes, with %(evidence)s") % {"evidence": evidence},
        )


class VoidForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why is this check-in void?"),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "Kept with the check-in, e.g. 'The poster was shared online (alert of 6 Dec)'."
        ),
    )


@admin.register(CheckIn)
class CheckInAdmin(VisitRecordAdmin):
    list_display = ["created_at", "venue", "visitor", "shown_by", "distance", "state"]
    list_filter = ["evidence", "method", ("venue", ScopedRelatedFilter)]
    list_select_related = ["venue", "resident", "assisted_by"]

    def get_fields(self, request, obj=None):
        return [*super().get_fields(request, obj), "shown_by", "what_it_earned", "void"]

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "what_it_earned", "void", "shown_by"]

    @admin.display(description=gettext_lazy("shown by"), ordering="evidence")
    def shown_by(self, checkin):
        words = checkin.get_evidence_display()
        if checkin.assisted_by_id:
            return f"{words} ({checkin.assisted_by.display_name})"
        return words

    @admin.display(description=gettext_lazy("state"), ordering="voided_at")
    def state(self, checkin):
        if checkin.voided_at:
            return _("void: %(reason)s") % {"reason": checkin.void_reason}
        return _("counted")

    @admin.display(description=gettext_lazy("what it earned"))
    def what_it_earned(self, checkin):
        lines = []
        for grant in voided_grants_of(checkin.pk):
            if grant.voucher_id:
                given = _("voucher “%(title)s”") % {"title": grant.voucher.title}
            else:
                given = ngettext("%(count)d point", "%(count)d points", grant.points) % {
                    "count": grant.points
                }
            words = {"offer": grant.offer.title, "given": given}
            if grant.voided_at is None:
                lines.append(_("%(offer)s: %(given)s") % words)
            else:
                whole = 1 if grant.voucher_id else grant.points
                lines.append(
                    _("%(offer)s: %(given)s, %(taken)d of %(whole)d taken back")
                    % {**words, "taken": grant.taken_back, "whole": whole}
                )
        return "; ".join(lines) or _("nothing")

    @admin.display(description=gettext_lazy("void"))
    def void(self, checkin):
        if checkin.voided_at:
            words = {"when": moment(checkin.voided_at), "reason": checkin.void_reason}
            if checkin.voided_by_id:
                return _("Voided %(when)s by %(by)s: %(reason)s") % {
                    **words,
                    "by": checkin.voided_by.display_name,
                }
            return _("Voided %(when)s: %(reason)s") % words
        return format_html(
            '<a href="{}">{}</a> {}',
            reverse("admin:checkins_checkin_void", args=[checkin.pk]),
            _("Void this check-in"),
            _("(its points and vouchers are taken back)"),
        )

    def get_urls(self):
        view = self.admin_site.admin_view(self.void_view)
        return [
            path("<uuid:checkin_id>/void/", view, name="checkins_checkin_void"),
            *super().get_urls(),
        ]

    def void_view(self, request, checkin_id):
        checkin = get_object_or_404(
            self.get_queryset(request).select_related("venue__council", "resident"),
            pk=checkin_id,
        )
        if checkin.voided_at is not None:
            raise Http404(_("This check-in is already void."))
        page = reverse("admin:checkins_checkin_change", args=[checkin.pk])

        def perform(data):
            voided = checkin_void(checkin=checkin, by=request.user, reason=data["reason"])
            taken = voided.taken_back
            message = _("The check-in is void. Taken back: %(points)s and %(vouchers)s.") % {
                "points": points_in_words(taken.points_taken_back),
                "vouchers": vouchers_in_words(taken.vouchers_voided),
            }
            if taken.points_shortfall or taken.vouchers_already_used:
                message += " " + _(
                    "Already spent, so not taken back: %(points)s and %(vouchers)s redeemed."
                ) % {
                    "points": points_in_words(taken.points_shortfall),
                    "vouchers": vouchers_in_words(taken.vouchers_already_used),
                }
            return message, page

        return form_action(
            self,
            request,
            title=_("Void this check-in"),
            intro=(
                _(
                    "A void check-in no longer counts in the statistics. The points it earned "
                    "are taken back (never below zero: what the resident already spent is "
                    "recorded as a shortfall) and its unredeemed vouchers are cancelled."
                ),
            ),
            facts=(
                (_("Venue"), checkin.venue.name),
                (_("Visitor"), checkin.resident.display_name),
                (_("When"), moment(checkin.created_at)),
                (_("Shown by"), self.shown_by(checkin)),
                (_("What it earned"), self.what_it_earned(checkin)),
            ),
            form=VoidForm(posted(request)),
            button=_("Void it"),
            back_url=page,
            perform=perform,
        )


def points_in_words(count: int) -> str:
    return ngettext("%(count)d point", "%(count)d points", count) % {"count": count}


def vouchers_in_words(count: int) -> str:
    return ngettext("%(count)d voucher", "%(count)d vouchers", count) % {"count": count}
