import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import GreaterThanOrEqual, LessThanOrEqual
from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from rewards.evidence import Evidence
from venues.models import Poster, Venue


def moment(when) -> str:
    """A time as the back office shows it, in the reader's language: ``06 Dec 2026 22:48``."""
    return formats.date_format(timezone.localtime(when), "d M Y H:i")


class CheckinMethod(models.TextChoices):
    """What the check-in was made with (API.md): its ``evidence`` says what that proves."""

    GPS = "gps", _("the phone's location")
    QR = "qr", _("a poster's code")  # perhaps with a fix
    SCREEN = "screen", _("the desk screen's code")  # the rotating code of the venue's screen
    STAFF = "staff", _("staff at the desk")  # who checked the resident in


class CheckIn(models.Model):
    """An accepted, verified visit of a resident to a venue.

    ``distance_m`` (from the fix to the venue) is kept for good; the raw fix (latitude,
    longitude, accuracy) is dropped after ``LOCATION_RETENTION_DAYS``. ``evidence`` is how
    presence was shown (``rewards.evidence``); ``assisted_by`` the staff member who checked
    the resident in at the desk. A check-in found to be fraud is voided, never deleted
    (``checkins.voiding``): ``voided_at`` takes it out of the statistics and the offers' counts.
    """

    Method = CheckinMethod
    Evidence = Evidence

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    resident = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="checkins",
        verbose_name=_("resident"),
    )
    venue = models.ForeignKey(
        Venue, on_delete=models.PROTECT, related_name="checkins", verbose_name=_("venue")
    )
    method = models.CharField(_("method"), max_length=8, choices=CheckinMethod.choices)
    evidence = models.CharField(_("evidence"), max_length=20, choices=Evidence.choices)
    poster = models.ForeignKey(
        Poster,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="checkins",
        verbose_name=_("poster used"),
    )
    assisted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="checkins_assisted",
        verbose_name=_("checked in by (staff)"),
    )
    distance_m = models.FloatField(_("distance (m)"), null=True, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    accuracy_m = models.FloatField(_("accuracy (m)"), null=True, blank=True)
    # Set by the service from the same clock reading its cooldown and travel checks used.
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("voided by"),
    )
    void_reason = models.CharField(_("why it is void"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        ordering = ["-created_at", "id"]
        constraints = [
            # What each method proves, and the rows it needs: a poster for a QR, a fix inside
            # the geofence (its distance) for a location, the staff member for the desk.
            models.CheckConstraint(
                condition=Q(
                    method="gps",
                    evidence="location",
                    poster__isnull=True,
                    assisted_by__isnull=True,
                    distance_m__isnull=False,
                )
                | Q(
                    method="qr",
                    evidence="poster",
                    poster__isnull=False,
                    assisted_by__isnull=True,
                    distance_m__isnull=True,
                )
                | Q(
                    method="qr",
                    evidence="poster_and_location",
                    poster__isnull=False,
                    assisted_by__isnull=True,
                    distance_m__isnull=False,
                )
                | Q(
                    method="screen",
                    evidence="desk_screen",
                    poster__isnull=True,
                    assisted_by__isnull=True,
                )
                | Q(
                    method="staff",
                    evidence="staff",
                    poster__isnull=True,
                    assisted_by__isnull=False,
                    distance_m__isnull=True,
                ),
                name="checkin_evidence_matches_method",
            ),
            models.CheckConstraint(
                condition=Q(voided_at__isnull=True, voided_by__isnull=True, void_reason="")
                | (Q(voided_at__isnull=False) & ~Q(void_reason="")),
                name="checkin_void_has_a_time_and_a_reason",
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
            # A poster used alone by many residents (checkins.alerts.rules, poster_leak).
            models.Index(
                fields=["poster", "-created_at"],
                condition=Q(evidence="poster"),
                name="checkin_poster_alone_recent",
            ),
        ]

    def __str__(self) -> str:
        words = {
            "venue": self.venue.name,
            "when": moment(self.created_at),
            "evidence": self.get_evidence_display(),
        }
        if self.voided_at:
            return gettext("%(venue)s, %(when)s (%(evidence)s, void)") % words
        return gettext("%(venue)s, %(when)s (%(evidence)s)") % words

    @property
    def is_void(self) -> bool:
        return self.voided_at is not None


class VisitDay(models.Model):
    """A resident's accepted check-ins at a venue on one local day (``settings.TIME_ZONE``):
    the rollup the statistics read instead of scanning check-ins.

    Kept by ``checkins.visit_days.checkin_insert_counted`` in the check-in's transaction and rebuilt
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
        verbose_name = _("visit day")
        verbose_name_plural = _("visit days")
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
        return f"{self.resident_id}, {self.venue_id}, {self.day}: {self.checkins}"


class CheckinAttempt(models.Model):
    """A refused check-in, kept for fraud review: who, where, why, when (and which staff member
    tried, for a check-in at the desk)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    resident = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="checkin_attempts",
        verbose_name=_("resident"),
    )
    venue = models.ForeignKey(
        Venue,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="checkin_attempts",
        verbose_name=_("venue"),
    )
    poster = models.ForeignKey(
        Poster,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("poster used"),
    )
    method = models.CharField(_("method"), max_length=8, choices=CheckinMethod.choices)
    assisted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("checked in by (staff)"),
    )
    reason = models.CharField(_("refused for"), max_length=32, db_index=True)
    detail = models.CharField(_("detail"), max_length=300)
    distance_m = models.FloatField(_("distance (m)"), null=True, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    accuracy_m = models.FloatField(_("accuracy (m)"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("refused check-in")
        verbose_name_plural = _("refused check-ins")
        ordering = ["-created_at", "id"]

    def __str__(self) -> str:
        from checkins.error_codes import refusal_name

        return gettext("%(rule)s (%(venue)s, %(when)s)") % {
            "rule": refusal_name(self.reason),
            "venue": self.venue.name if self.venue_id else gettext("unknown venue"),
            "when": moment(self.created_at),
        }


class AlertKind(models.TextChoices):
    """What an alert is about (``checkins.alerts.rules`` raises them), named for the person who
    reads it."""

    POSTER_LEAK = "poster_leak", _("A poster used alone by many residents")
    LOCATION_MISMATCH = "location_mismatch", _("A poster check-in from somewhere else")
    REPEATED_REFUSALS = "repeated_refusals", _("Many refused check-ins")
    STAFF_BURST = "staff_burst", _("Many check-ins by one staff member")


class Alert(models.Model):
    """A signal across check-ins for a person to judge (DESIGN.md, "Evidence of presence").

    Raised as the check-in or refusal that crosses a threshold is recorded; while it is open,
    more of the same (``dedupe_key``) add to ``occurrences`` rather than raising it again, so
    the venue's managers get one email per alert. ``account`` is who it concerns: the resident,
    or for ``staff_burst`` the staff member.
    """

    Kind = AlertKind

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("kind"), max_length=32, choices=AlertKind.choices)
    venue = models.ForeignKey(
        Venue, on_delete=models.PROTECT, related_name="alerts", verbose_name=_("venue")
    )
    poster = models.ForeignKey(
        Poster,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="alerts",
        verbose_name=_("poster used"),
    )
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("account"),
    )
    checkin = models.ForeignKey(
        CheckIn,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="alerts",
        verbose_name=_("check-in"),
    )
    attempt = models.ForeignKey(
        CheckinAttempt,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="alerts",
        verbose_name=_("refused check-in"),
    )
    # In English, for the API; the back office and the emails say it in the reader's language
    # from ``facts`` (checkins.alerts.words.alert_detail_shown).
    detail = models.CharField(_("detail"), max_length=500)
    # What the rule found (counts, minutes, distances, refusal codes), to word it in any language.
    facts = models.JSONField(_("facts"), default=dict, blank=True)
    occurrences = models.PositiveIntegerField(_("occurrences"), default=1)
    dedupe_key = models.CharField(_("dedupe key"), max_length=200)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    last_seen_at = models.DateTimeField(_("last seen at"), default=timezone.now)
    # When the venue's managers were emailed (claimed before sending: at most one email).
    notified_at = models.DateTimeField(_("emailed at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("resolved by"),
    )
    resolution = models.CharField(_("what was done"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        ordering = ["-created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["dedupe_key"],
                condition=Q(resolved_at__isnull=True),
                name="alert_open_once_per_signal",
            ),
            models.CheckConstraint(condition=Q(kind__in=AlertKind.values), name="alert_kind_known"),
            models.CheckConstraint(
                condition=Q(occurrences__gte=1), name="alert_occurrences_positive"
            ),
        ]
        indexes = [
            models.Index(fields=["venue", "-created_at"], name="alert_venue_recent"),
        ]

    def __str__(self) -> str:
        return gettext("%(alert)s (%(venue)s)") % {
            "alert": self.get_kind_display(),
            "venue": self.venue.name,
        }

    @property
    def is_resolved(self) -> bool:
        return self.resolved_at is not None


class CommentStatus(models.TextChoices):
    VISIBLE = "visible", _("Visible")
    HIDDEN = "hidden", _("Hidden")


class Comment(models.Model):
    """A verified visitor's words about a venue.

    Status moves by `checkins.comments.services.TRANSITIONS`: visible <-> hidden (by enough
    reports, pending review, or by a manager).
    """

    Status = CommentStatus

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    venue = models.ForeignKey(
        Venue, on_delete=models.CASCADE, related_name="comments", verbose_name=_("venue")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="comments",
        verbose_name=_("author"),
    )
    body = models.TextField(_("text"), max_length=2000)
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=CommentStatus.choices, default=CommentStatus.VISIBLE
    )
    hidden_reason = models.CharField(_("why it is hidden"), max_length=200, blank=True)
    hidden_at = models.DateTimeField(_("hidden at"), null=True, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("moderated by"),
    )
    # The language of the page it was written on ("cy", "en-gb"; empty before it was kept): the
    # reply's email to its author is written in it.
    language = models.CharField(_("language"), max_length=8, blank=True)
    written_by_minor = models.BooleanField(
        _("written by someone under 18"),
        default=False,
        help_text=_(
            "Written by someone under 18: shown without their name, after a manager "
            "approved it (the ICO Children's code), for good."
        ),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
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
        return gettext("“%(excerpt)s” (%(venue)s)") % {"excerpt": excerpt, "venue": self.venue.name}

    @property
    def author_shown_as(self) -> str:
        """How the author is shown to everyone but themselves (other residents, managers, the
        API, emails): the one place that decides it. Someone under 18 when they wrote it is
        never named."""
        if self.written_by_minor:
            return gettext("A young visitor")
        return self.author.display_name


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
        verbose_name = _("comment report")
        verbose_name_plural = _("comment reports")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["comment", "reporter"], name="comment_report_once_per_resident"
            )
        ]

    def __str__(self) -> str:
        return gettext("Report: %(comment)s") % {"comment": self.comment}


class ReplySignature(models.TextChoices):
    VENUE = "venue", _("the venue")  # signed with the venue's name: one of its managers wrote it
    COUNCIL = "council", _("the council")  # the council's name: a council admin (or superuser)


class CommentReply(models.Model):
    """The venue's one official answer to a comment, shown under it everywhere.

    One per comment (the one-to-one is the database's guarantee); its managers or the council's
    admins write, edit and delete it (checkins.comments.replies). Residents see it signed by
    the venue or the council (``signed_as``), never by the person: ``author`` is who last
    wrote it, for the staff's own records.
    """

    Signature = ReplySignature
    BODY_MAX_LENGTH = 2000

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    comment = models.OneToOneField(Comment, on_delete=models.CASCADE, related_name="reply")
    body = models.TextField(max_length=BODY_MAX_LENGTH)
    signed_as = models.CharField(max_length=8, choices=ReplySignature.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    # Claimed by the job that emails the comment's author (once, when the reply is first made).
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("comment reply")
        verbose_name_plural = _("comment replies")
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    GreaterThanOrEqual(Length("body"), 1),
                    LessThanOrEqual(Length("body"), 2000),
                ),
                name="comment_reply_body_1_to_2000",
            ),
            models.CheckConstraint(
                condition=Q(signed_as__in=ReplySignature.values), name="comment_reply_signature"
            ),
        ]

    def __str__(self) -> str:
        return gettext("Reply: %(comment)s") % {"comment": self.comment}

    @property
    def signed_by(self) -> str:
        """The name residents see under the reply: the venue's (in the reader's language) or
        the council's."""
        if self.signed_as == ReplySignature.COUNCIL:
            return self.comment.venue.council.name
        return self.comment.venue.shown_name

    @property
    def is_edited(self) -> bool:
        return self.updated_at > self.created_at


class CommentAlertReason(models.TextChoices):
    LOW_RATING = "low_rating", _("Low rating")
    REPORTED = "reported", _("Reported")


class CommentAlert(models.Model):
    """A comment the venue's managers are told of by email within minutes: rated low, or
    hidden by residents' reports. At most one per comment (the one-to-one), whatever happens
    to it next; made in the transaction that made the comment or its hiding report, and sent
    by a job (checkins.comments.alerts) that claims it first, so it goes out once.
    """

    Reason = CommentAlertReason

    comment = models.OneToOneField(Comment, on_delete=models.CASCADE, related_name="alert")
    reason = models.CharField(max_length=16, choices=CommentAlertReason.choices)
    created_at = models.DateTimeField(default=timezone.now)
    # Set by the one job that sends it (a conditional update); cleared again if sending failed.
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # Who was emailed: the weekly digest lists the week's other comments to each of them.
    sent_to = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")

    class Meta:
        verbose_name = _("comment alert")
        verbose_name_plural = _("comment alerts")
        constraints = [
            models.CheckConstraint(
                condition=Q(reason__in=CommentAlertReason.values), name="comment_alert_reason"
            ),
            models.CheckConstraint(
                condition=Q(sent_at__isnull=True) | Q(claimed_at__isnull=False),
                name="comment_alert_sent_after_claim",
            ),
        ]
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=Q(sent_at__isnull=True),
                name="comment_alert_unsent",
            ),
        ]

    def __str__(self) -> str:
        return gettext("Alert (%(reason)s): %(comment)s") % {
            "reason": self.get_reason_display(),
            "comment": self.comment_id,
        }
