"""The invitation table. Kept apart from venues.models (which imports it, so Django registers it
in the venues app) and naming its relations by string, so the import runs one way."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

# The kinds of venues.models.Role (it cannot be imported here: see the module's docstring);
# a check constraint holds the values, and tests hold them equal to Role.Kind.
ROLE_CHOICES = [
    ("council_admin", "council admin"),
    ("venue_manager", "venue manager"),
    ("venue_staff", "venue staff"),
]


class InvitationStatus(models.TextChoices):
    PENDING = "pending"
    ACCEPTED = "accepted"
    CANCELLED = "cancelled"
    EXPIRED = "expired"


class Invitation(models.Model):
    """An offer of a role in a council (on one of its venues for the venue roles) to whoever
    holds ``email``. Pending until accepted, cancelled or past ``expires_at``; its link carries
    ``nonce``, which "send again" replaces, so only the latest email's link works."""

    Status = InvitationStatus

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    council = models.ForeignKey(
        "venues.Council", on_delete=models.CASCADE, related_name="invitations"
    )
    venue = models.ForeignKey(
        "venues.Venue",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="invitations",
    )
    role = models.CharField(max_length=32, choices=ROLE_CHOICES)
    email = models.EmailField(max_length=254, help_text="Whoever holds it may accept.")
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    nonce = models.CharField(max_length=32, editable=False)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "id"]
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
