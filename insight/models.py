"""What the weekly digest needs to remember: who opted out, and what was sent to whom."""

from django.conf import settings
from django.db import models


class DigestOptOut(models.Model):
    """The user does not want the weekly digest (by the email's link or their settings page).
    Its absence means subscribed: every council admin and venue manager gets it by default."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="digest_opt_out",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.user_id} opted out"


class DigestSent(models.Model):
    """The digest of the week starting ``week_start`` (a Monday) was claimed for ``user``.

    Inserted before the email goes out, in its own transaction: the unique constraint lets one
    run, and only one, claim a (user, week), however many run at once. ``sent_at`` is set once
    the email backend has taken the message.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digests_sent"
    )
    week_start = models.DateField()
    claimed_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "week_start"], name="digest_once_a_week"),
        ]

    def __str__(self) -> str:
        return f"digest of {self.week_start} for {self.user_id}"
