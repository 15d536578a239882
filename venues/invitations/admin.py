"""The back office's people pages: "Invite someone" (Invitations), and the form Roles > Add
shares with it (`RoleTargetForm`: who, which role, where; what the person may offer follows from
`venues.access`). Pending invitations can be cancelled or sent again from the list.

Council admins invite to any role of their council, managers their venue's staff; the form
only offers those, and the services ask again.
"""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from backend.errors import ApplicationError
from venues.access import Access, Level, grant_permission
from venues.back_office import (
    ScopedAdmin,
    ScopedRelatedFilter,
    back_office_access,
    confirmed_action,
)
from venues.invitations.models import Invitation
from venues.invitations.services import invitation_cancel, invitation_create, invitation_resend
from venues.models import Role


class RoleTargetForm(forms.ModelForm):
    """Whom (an email), which role, and where: the council for its admins, a venue for the
    venue roles. Only the roles and places the signed-in person may grant are offered, and
    the choice is checked again (a hand-made POST gets an error, not a role)."""

    access: Access  # set by the admin that builds the form
    email = forms.EmailField(label=_("Email"), max_length=254)

    class Meta:
        fields = ["email", "role", "council", "venue"]
        help_texts = {
            "council": _("For a council admin. Leave empty for a venue role."),
            "venue": _("For a venue manager or venue staff."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        access = self.access
        councils = access.councils(Level.COUNCIL_ADMIN).order_by("name")
        venues = access.venues(Level.VENUE_MANAGER).filter(is_active=True)
        venues = venues.select_related("council").order_by("council__name", "name")
        if "council" in self.fields:
            self.fields["council"].queryset = councils
            self.fields["council"].required = False
        self.fields["venue"].queryset = venues
        for field in self.fields.values():  # choosing, not editing councils and venues here
            for name in ("can_add_related", "can_change_related", "can_view_related"):
                if hasattr(field.widget, name):
                    setattr(field.widget, name, False)
        self.fields["venue"].label_from_instance = lambda venue: (
            f"{venue.name} ({venue.council.name})"
        )
        grantable = [
            (kind, label)
            for kind, label in Role.Kind.choices
            if access.is_superuser
            or (kind == Role.Kind.VENUE_STAFF and access.venue_ids(Level.VENUE_MANAGER))
            or access.council_ids(Level.COUNCIL_ADMIN)
        ]
        self.fields["role"].choices = grantable

    @classmethod
    def for_access(cls, access: Access) -> type:
        """This form for ``access``: a manager (no council of their own to administer) has
        only their venues to choose from, so no council field."""
        fields = list(cls.Meta.fields)
        if not access.is_superuser and not access.council_ids(Level.COUNCIL_ADMIN):
            fields.remove("council")
        meta = type("Meta", (cls.Meta,), {"fields": fields})
        return type(cls.__name__, (cls,), {"access": access, "Meta": meta})

    def clean(self):
        cleaned = super().clean()
        role, venue = cleaned.get("role"), cleaned.get("venue")
        council = cleaned.get("council")
        if not role:
            return cleaned
        if role == Role.Kind.COUNCIL_ADMIN:
            if council is None:
                self.add_error(
                    "council", gettext("Choose the council this person will administer.")
                )
                return cleaned
            if venue is not None:
                self.add_error(
                    "venue", gettext("A council admin covers the whole council: no venue.")
                )
                return cleaned
            target = council
        else:
            if venue is None:
                self.add_error("venue", gettext("Choose the venue of this role."))
                return cleaned
            cleaned["council"] = venue.council
            target = venue
        if not self.access.may(grant_permission(role), target):
            self.add_error("role", gettext("You cannot give this role here."))
        return cleaned


class StatusFilter(admin.SimpleListFilter):
    """Pending invitations first (what there is to cancel or send again); any status, or all,
    one press away."""

    title = _("status")
    parameter_name = "status"
    ALL = "all"

    def lookups(self, request, model_admin):
        return [*Invitation.Status.choices, (self.ALL, _("All"))]

    def value(self):
        return super().value() or Invitation.Status.PENDING

    def choices(self, changelist):
        for lookup, title in self.lookup_choices:  # no "All" of Django's: ours is a choice
            yield {
                "selected": self.value() == str(lookup),
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        now = timezone.now()
        open_ = {"accepted_at__isnull": True, "cancelled_at__isnull": True}
        return {
            Invitation.Status.PENDING: lambda: queryset.filter(**open_, expires_at__gt=now),
            Invitation.Status.EXPIRED: lambda: queryset.filter(**open_, expires_at__lte=now),
            Invitation.Status.ACCEPTED: lambda: queryset.filter(accepted_at__isnull=False),
            Invitation.Status.CANCELLED: lambda: queryset.filter(cancelled_at__isnull=False),
        }.get(self.value(), lambda: queryset)()


class InvitationForm(RoleTargetForm):
    class Meta(RoleTargetForm.Meta):
        model = Invitation


@admin.register(Invitation)
class InvitationAdmin(ScopedAdmin):
    """Invite someone; see who was invited, and cancel or send again what is not accepted."""

    venue_path = "venue"
    council_path = "council"
    list_display = ["email", "role", "where", "status", "invited_by", "sent_at", "expires_at"]
    list_filter = [StatusFilter, "role", ("council", ScopedRelatedFilter)]
    search_fields = ["email"]
    list_select_related = ["council", "venue", "invited_by"]
    actions = ["send_again", "cancel"]
    readonly_fields = [
        "email",
        "role",
        "council",
        "venue",
        "status",
        "invited_by",
        "created_at",
        "sent_at",
        "expires_at",
        "accepted_at",
        "accepted_by",
        "cancelled_at",
        "cancelled_by",
    ]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = InvitationForm.for_access(back_office_access(request))
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return super().get_fields(request, obj)  # the form's: what this person may offer
        return self.readonly_fields

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.readonly_fields

    def has_change_permission(self, request, obj=None):
        return False  # an invitation is sent, then cancelled or sent again: never edited

    @admin.display(description=_("where"), ordering="venue__name")
    def where(self, invitation: Invitation) -> str:
        return invitation.venue.name if invitation.venue_id else invitation.council.name

    @admin.display(description=_("status"))
    def status(self, invitation: Invitation) -> str:
        return Invitation.Status(invitation.status).label

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        saved = invitation_create(
            council=data["council"],
            venue=data.get("venue"),
            role=data["role"],
            email=data["email"],
            invited_by=request.user,
        )
        obj.pk = saved.pk
        obj._state.adding = False
        obj.refresh_from_db()

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ApplicationError as refused:  # e.g. the person already holds the role
            self.message_user(
                request,
                gettext("Not sent: %(reason)s") % {"reason": refused.detail},
                messages.ERROR,
            )
            return HttpResponseRedirect(request.get_full_path())

    def add_view(self, request, form_url="", extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "show_save_and_continue": False,
            "title": gettext("Invite someone"),
        }
        return super().add_view(request, form_url, extra_context)

    def response_add(self, request, obj, post_url_continue=None):
        days = settings.INVITATION_VALID_DAYS
        self.message_user(
            request,
            ngettext(
                "Invitation sent to %(email)s: its link works for %(days)d day.",
                "Invitation sent to %(email)s: its link works for %(days)d days.",
                days,
            )
            % {"email": obj.email, "days": days},
            messages.SUCCESS,
        )
        if "_addanother" in request.POST:
            return HttpResponseRedirect(request.path)
        return HttpResponseRedirect(reverse("admin:venues_invitation_changelist"))

    def _each(self, request, queryset, service, done) -> str:
        """Runs ``service`` on each invitation; ``done(count)`` says how many it did."""
        succeeded, refusals = 0, []
        for invitation in queryset.select_related("council", "venue"):
            try:
                service(invitation=invitation, by=request.user)
                succeeded += 1
            except ApplicationError as refused:
                refusals.append(f"{invitation.email}: {refused.detail}")
        message = done(succeeded) % {"count": succeeded}
        if refusals:
            message += " " + gettext("Not done: %(refusals)s") % {"refusals": "; ".join(refusals)}
        return message

    @admin.action(description=_("Send the selected invitations again"))
    def send_again(self, request, queryset):
        def done(count):
            return ngettext(
                "%(count)d invitation sent again.", "%(count)d invitations sent again.", count
            )

        self.message_user(request, self._each(request, queryset, invitation_resend, done))

    @admin.action(description=_("Cancel the selected invitations"))
    def cancel(self, request, queryset):
        def done(count):
            return ngettext(
                "%(count)d invitation cancelled.", "%(count)d invitations cancelled.", count
            )

        return confirmed_action(
            self,
            request,
            queryset,
            question=gettext("Cancel these invitations? Their links will stop working."),
            button=gettext("Yes, cancel them"),
            perform=lambda selected: self._each(request, selected, invitation_cancel, done),
        )
