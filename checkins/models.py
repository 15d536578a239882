import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from venues.models import Poster, Venue


class CheckinMethod(models.TextChoices):
    GPS = "gps"
    QR = "qr"


class CheckIn(models.Model):
    """An accepted, verified visit of a resident to a venue.

    ``distance_m`` (from the fix to the venue) is kept for good; the raw fix (latitude,
    longitude, accuracy) is dropped after ``LOCATION_RETENTION_DAYS``.
    """

    Method = CheckinMethod

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    resident = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="checkins"
    )
    venue = models.ForeignKey(Venue, on_delete=models.PROTECT, related_name="checkins")
    method = models.CharField(max_length=8, choices=CheckinMethod.choices)
    poster = models.ForeignKey(
        Poster, on_delete=models.PROTECT, null=True, blank=True, related_name="checkins"
    )
    distance_m = models.FloatField(null=True, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    accuracy_m = models.FloatField(null=True, blank=True)
    # Set by the service from the same clock reading its cooldown and travel checks used.
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = "check-in"
        ordering = ["-created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(method="gps", poster__isnull=True)
                | Q(method="qr", poster__isnull=False),
                name="checkin_poster_matches_method",
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                name="checkin_latitude_range",
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="checkin_longitude_range",
            ),
            models.CheckConstraint(
                condition=Q(distance_m__isnull=True) | Q(distance_m__gte=0),
                name="checkin_distance_not_negative",
            ),
        ]
        indexes = [
            # Cooldown, impossible travel and "my check-ins": the resident's latest first.
            models.Index(fields=["resident", "-created_at"], name="checkin_resident_recent"),
            models.Index(fields=["venue", "-created_at"], name="checkin_venue_recent"),
        ]

    def __str__(self) -> str:
        when = timezone.localtime(self.created_at).strftime("%d %b %Y %H:%M")
        return f"{self.venue.name}, {when} ({self.get_method_display()})"


class VisitDay(models.Model):
    """A resident's accepted check-ins at a venue on one local day (``settings.TIME_ZONE``):
    the rollup the statistics read instead of scanning check-ins.

    Kept by ``checkins.visit_days.visit_day_add`` in the check-in's transaction and rebuilt
    from check-ins by ``rebuild_visit_days``. ``is_first_at_venue`` / ``is_first_in_council``
    say the resident had no check-in on an earlier day at the venue / in its council when the
    row was made: always set on the resident's first day there, so "new visitors" is a read of
    the flagged rows (a row flagged by a late, out-of-order insert is harmless: the readers
    ask for the earliest flagged row).
    """

    venue = models.ForeignKey(Venue, on_delete=models.PROTECT, related_name="+")
    day = models.DateField()
    resident = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    checkins = models.PositiveIntegerField()
    is_first_at_venue = models.BooleanField()
    is_first_in_council = models.BooleanField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["venue", "day", "resident"], name="visit_day_once_per_resident"
            ),
            models.CheckConstraint(
                condition=Q(checkins__gte=1), name="visit_day_checkins_positive"
            ),
        ]
        indexes = [
            # What the counts read, by venue and day: index-only scans on PostgreSQL. (The
            # unique constraint cannot carry the INCLUDE: SQLite would then drop it.)
            models.Index(
                fields=["venue", "day", "resident"],
                include=["checkins"],
                name="visit_day_counts",
            ),
            # New visitors: the resident's earliest flagged day, probed per resident.
            models.Index(
                fields=["resident", "day"],
                include=["venue"],
                condition=Q(is_first_in_council=True),
                name="visit_day_first_in_council",
            ),
            models.Index(
                fields=["resident", "venue", "day"],
                condition=Q(is_first_at_venue=True),
                name="visit_day_first_at_venue",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.resident_id} at {self.venue_id} on {self.day}: {self.checkins}"


class CheckinAttempt(models.Model):
    """A refused check-in, kept for fraud review: who, where, why, when."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    resident = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="checkin_attempts"
    )
    venue = models.ForeignKey(
        Venue, on_delete=models.CASCADE, null=True, blank=True, related_name="checkin_attempts"
    )
    poster = models.ForeignKey(
        Poster, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    method = models.CharField(max_length=8, choices=CheckinMethod.choices)
    reason = models.CharField(max_length=32, db_index=True)
    detail = models.CharField(max_length=300)
    distance_m = models.FloatField(null=True, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    accuracy_m = models.FloatField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "refused check-in"
        ordering = ["-created_at", "id"]

    def __str__(self) -> str:
        where = self.venue.name if self.venue_id else "unknown venue"
        when = timezone.localtime(self.created_at).strftime("%d %b %Y %H:%M")
        return f"{self.reason} at {where}, {when}"


class CommentStatus(models.TextChoices):
    VISIBLE = "visible"
    HIDDEN = "hidden"


class Comment(models.Model):
    """A verified visitor's words about a venue.

    Status moves by `checkins.services.comments.TRANSITIONS`: visible <-> hidden (by enough reports,
    pending review, or by a manager).
    """

    Status = CommentStatus

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    venue = models.ForeignKey(Venue, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="comments"
    )
    body = models.TextField(max_length=2000)
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    status = models.CharField(
        max_length=16, choices=CommentStatus.choices, default=CommentStatus.VISIBLE
    )
    hidden_reason = models.CharField(max_length=200, blank=True)
    hidden_at = models.DateTimeField(null=True, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="comment_rating_1_to_5",
            ),
            models.CheckConstraint(
                condition=Q(status__in=CommentStatus.values), name="comment_status_known"
            ),
        ]
        indexes = [
            models.Index(fields=["venue", "status", "-created_at"], name="comment_venue_visible"),
        ]

    def __str__(self) -> str:
        excerpt = self.body if len(self.body) <= 40 else f"{self.body[:39]}…"
        return f"“{excerpt}” on {self.venue.name}"


class CommentReport(models.Model):
    """A resident's report of a comment. Open (unreviewed) reports from distinct residents
    hide the comment at ``COMMENT_REPORTS_TO_HIDE``; a manager's review closes them."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="comment_reports"
    )
    reason = models.CharField(max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["comment", "reporter"], name="comment_report_once_per_resident"
            )
        ]

    def __str__(self) -> str:
        return f"Report of {self.comment}"
