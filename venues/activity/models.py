"""The activity log's one table. Kept apart from venues.models (which imports it, so Django
registers it in the venues app) and naming its relations by string, so the import runs one way.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from venues.activity.sentences import Sentence


class ActivityEntry(models.Model):
    """One change a person made (or a command or job, with no ``actor``): what, to which
    object, in which council (and venue), in a sentence. Append-only: an entry is never
    changed or deleted once written (a record of what happened, as the ledger is)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    at = models.DateTimeField(_("at"), default=timezone.now)
    council = models.ForeignKey(
        "venues.Council",
        on_delete=models.CASCADE,
        related_name="activity",
        verbose_name=_("council"),
    )
    venue = models.ForeignKey(
        "venues.Venue",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("venue"),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
        help_text=_("Who did it; empty for a command or a background job."),
    )
    # "<object>.<verb in the past>", e.g. "offer.created" (venues.activity.services.ACTIONS).
    action = models.CharField(_("action"), max_length=64)
    object_type = models.CharField(_("object type"), max_length=32)
    object_id = models.CharField(_("object id"), max_length=64)
    summary = models.CharField(_("summary"), max_length=500)
    # The summary's words and values, so each reader reads it in their language
    # (venues.activity.sentences); empty for entries written before it was kept.
    summary_said = models.JSONField(_("summary's words"), default=dict, blank=True)

    class Meta:
        ordering = ["-at", "id"]
        verbose_name = _("activity log entry")
        verbose_name_plural = _("activity log entries")
        indexes = [
            models.Index(fields=["council", "-at"], name="activity_council_newest"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(action="") & ~models.Q(summary=""),
                name="activity_says_what_happened",
            ),
        ]

    def __str__(self) -> str:
        return self.shown_summary

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("The activity log is append-only: an entry is never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("The activity log is append-only: an entry is never deleted.")

    @property
    def shown_summary(self) -> str:
        """The summary in the reader's language; the English as written when its words are not
        kept (an older entry) or no longer fit the catalogue."""
        if not self.summary_said:
            return self.summary
        try:
            return Sentence.from_json(self.summary_said).read()[:500]
        except (KeyError, TypeError, ValueError):
            return self.summary
