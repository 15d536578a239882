"""The invitation table. Kept apart from venues.models (which imports it, so Django registers it
in the venues app) and naming its relations by string, so the import runs one way."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# The kinds of venues.models.Role (it cannot be imported here: see the module's docstring);
# a check constraint holds the values, and tests hold them equal to Role.Kind.
ROLE_CHOICES = [
    ("council_admin", _("council admin")),
    ("venue_manager", _("venue manager")),
    ("venue_staff", _("venue staff")),
]


class InvitationStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACCEPTED = "accepted", _("Accepted")
    CANCELLED = "cancelled", pgettext_lazy("an invitation", "Cancelled")
    EXPIRED = "expired", _("Expired")


class Invitation(models.Model):
    """An offer of a role in a council (on one of its venues for the venue roles) to whoever
    holds ``email``. Pending until accepted, cancelled or past ``expires_at``; its link carries
    ``nonce``, which "send again" replaces, so only the latest email's link works."""

    Status = InvitationStatus

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    council = models.ForeignKey(
        "venues.Council",
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name=_("council"),
    )
    venue = models.ForeignKey(
        "venues.Venue",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="invitations",
        verbose_name=_("venue"),
    )
    role = models.CharField(_("role"), max_length=32, choices=ROLE_CHOICES)
    email = models.EmailField(
        _("email"), max_length=254, help_text=_("Whoever holds it may accept.")
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    nonce = models.CharField(_("nonce"), max_length=32, editable=False)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("accepted by"),
    )
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cancelled by"),
    )

    class Meta:
        ordering = ["-created_at", "id"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(role="council_admin", venue__isnull=True)
                    | Q(role__in=["venue_manager", "venue_staff"], venue__isnull=False)
                ),
                name="invitation_venue_matches_role",
            ),
            models.CheckConstraint(
                condition=Q(accepted_at__isnull=True) | Q(cancelled_at__isnull=True),
                name="invitation_accepted_or_cancelled_not_both",
            ),
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("sent_at")),
                name="invitation_expires_after_sending",
            ),
            # One open invitation per person and role: inviting again sends that one again.
            models.UniqueConstraint(
                fields=["email", "council", "role"],
                condition=Q(
                    venue__isnull=True, accepted_at__isnull=True, cancelled_at__isnull=True
                ),
                name="invitation_open_once_per_council_role",
            ),
            models.UniqueConstraint(
                fields=["email", "venue", "role"],
                condition=Q(
                    venue__isnull=False, accepted_at__isnull=True, cancelled_at__isnull=True
                ),
                name="invitation_open_once_per_venue_role",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email}: {self.get_role_display()}"

    def status_at(self, now) -> str:
        if self.accepted_at is not None:
            return InvitationStatus.ACCEPTED
        if self.cancelled_at is not None:
            return InvitationStatus.CANCELLED
        if self.expires_at <= now:
            return InvitationStatus.EXPIRED
        return InvitationStatus.PENDING

    @property
    def status(self) -> str:
        return self.status_at(timezone.now())

    @property
    def is_pending(self) -> bool:
        return self.status == InvitationStatus.PENDING
