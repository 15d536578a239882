"""Comments on venues: writing one, deleting it, reporting it, and its moderation.

Only a resident with a recent accepted check-in at a venue may comment there, and never with a
blocked word; only such a resident may report the venue's comments (so that accounts made a
minute ago cannot hide what visitors wrote). A comment's status moves by `TRANSITIONS` through
`comment_set_status`, always under a row lock on the comment: enough open reports from distinct
residents hide it pending review; the venue's managers hide or restore it. Hiding a hidden
comment, or restoring a visible one, changes no status (the first hide is kept, as revoking a
poster twice keeps the first revocation), but either action closes the open reports: the manager
has reviewed them, so restoring a reported comment is also how its reports are dismissed.

The reason a comment is hidden is shown to its author. The standard reasons below are stored
in English and shown in the reader's language (`hidden_reason_shown`); a manager's own words
are shown as written. A comment rated low, or hidden by reports, is also an alert to the
venue's managers (checkins.comments.alerts), made in the same transaction.
"""

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import get_language, gettext_noop
from django.utils.translation import gettext as _

from accounts import ages
from accounts.models import User
from backend import errors
from backend.errors import ApplicationError
from backend.transitions import TransitionError, check_move
from checkins import error_codes
from checkins.comments.alerts import comment_alert_raise
from checkins.comments.blocked_words import contains_blocked_word
from checkins.models import CheckIn, Comment, CommentAlert, CommentReport, CommentStatus
from venues.activity.sentences import said
from venues.activity.services import activity_record
from venues.models import Venue

BODY_MAX_LENGTH = 2000
HIDDEN_REASON_MAX_LENGTH = 200

# Stored as written here (English) and shown translated: see `hidden_reason_shown`.
HIDDEN_BY_REPORTS = gettext_noop("Hidden while the venue reviews reports from other visitors.")
HIDDEN_BY_MANAGERS = gettext_noop("Hidden by the venue's managers.")
# Comments by anyone under 18 wait, hidden, for a manager to restore (approve) them.
AWAITING_APPROVAL = gettext_noop(
    "Waiting for the venue to approve it: comments by people under 18 are read first."
)
HIDE_REASONS = (
    gettext_noop("It is offensive or abusive."),
    gettext_noop("It shares someone's personal details."),
    gettext_noop("It is not about this venue or a visit to it."),
    gettext_noop("It is advertising or spam."),
    gettext_noop("It may break the law, for example by defaming someone."),
)


def hidden_reason_shown(comment: Comment) -> str:
    """Why the comment is hidden, in the reader's language when it is one of the standard
    reasons (a manager's own words are shown as they wrote them); empty when it is visible."""
    if comment.status != CommentStatus.HIDDEN:
        return ""
    return _(comment.hidden_reason) if comment.hidden_reason else _(HIDDEN_BY_MANAGERS)


def resident_may_comment(*, resident: User, venue: Venue) -> bool:
    """Whether ``resident`` may comment on ``venue``, and report its comments: an accepted
    check-in there within ``COMMENT_CHECKIN_WINDOW_DAYS`` (one exactly that old still counts)."""
    if not resident.is_authenticated:
        return False
    since = timezone.now() - timedelta(days=settings.COMMENT_CHECKIN_WINDOW_DAYS)
    return CheckIn.objects.filter(
        resident=resident, venue=venue, created_at__gte=since, voided_at__isnull=True
    ).exists()


def _checkin_required(venue: Venue, doing: str) -> ApplicationError:
    return ApplicationError(
        error_codes.CHECKIN_REQUIRED,
        doing % {"venue": venue.shown_name, "days": settings.COMMENT_CHECKIN_WINDOW_DAYS},
    )


TRANSITIONS: dict[str, frozenset[str]] = {
    CommentStatus.VISIBLE: frozenset({CommentStatus.HIDDEN}),
    CommentStatus.HIDDEN: frozenset({CommentStatus.VISIBLE}),
}


class CommentTransitionError(TransitionError):
    """A status change `TRANSITIONS` does not allow: a bug in the caller, not a user error."""


def comment_create(*, author: User, venue: Venue, body: str, rating: int | None = None) -> Comment:
    """Publish a resident's comment on a venue they checked in at recently.

    Refuses with ``invalid`` for an empty or too long body or a rating outside 1-5, then with
    ``checkin_required`` (403) without an accepted check-in at the venue in the last
    ``COMMENT_CHECKIN_WINDOW_DAYS`` (a check-in exactly that old still counts), then with
    ``inappropriate_content`` (400) when the body has a blocked word. The check-in comes first
    so that the word filter cannot be probed by people who were never there.

    A rating of ``COMMENT_ALERT_RATING_AT_MOST`` or less raises an alert to the venue's
    managers with it. The comment remembers the language it was written in. Someone under 18
    (``accounts.ages.is_minor``) is never named beside it, and it waits, hidden with
    ``AWAITING_APPROVAL``, in the moderation queue until a manager restores it.
    """
    body = body.strip()
    _check_body_and_rating(body, rating)
    if not resident_may_comment(resident=author, venue=venue):
        raise _checkin_required(
            venue,
            _(
                "Check in at %(venue)s first: only residents who visited it in the last %(days)d "
                "days can comment on it."
            ),
        )
    if contains_blocked_word(body):
        raise ApplicationError(
            error_codes.INAPPROPRIATE_CONTENT,
            _("The comment contains words we do not publish; please rephrase it."),
        )
    held = ages.is_minor(author)
    with transaction.atomic():
        comment = Comment.objects.create(
            venue=venue,
            author=author,
            body=body,
            rating=rating,
            language=get_language() or "",
            written_by_minor=held,
            # Under 18: held in the moderation queue until a manager restores it.
            **(
                {
                    "status": CommentStatus.HIDDEN,
                    "hidden_reason": AWAITING_APPROVAL,
                    "hidden_at": timezone.now(),
                }
                if held
                else {}
            ),
        )
        if rating is not None and rating <= settings.COMMENT_ALERT_RATING_AT_MOST:
            comment_alert_raise(comment=comment, reason=CommentAlert.Reason.LOW_RATING)
    return comment


def _check_body_and_rating(body: str, rating: int | None) -> None:
    fields = {}
    if not 1 <= len(body) <= BODY_MAX_LENGTH:
        fields["body"] = [_("Write 1 to %(max)d characters.") % {"max": BODY_MAX_LENGTH}]
    if rating is not None and not 1 <= rating <= 5:
        fields["rating"] = [_("A rating is 1 to 5.")]
    if fields:
        raise ApplicationError(errors.INVALID, _("Some fields are invalid."), fields=fields)


def comment_delete(*, comment: Comment, by: User) -> None:
    """Its author deletes a comment for good, with its reports; anyone else is refused."""
    if comment.author_id != by.pk:
        raise ApplicationError(errors.PERMISSION_DENIED, _("Only its author can delete a comment."))
    comment.delete()


def comment_report(*, comment: Comment, reporter: User, reason: str) -> CommentReport:
    """Record a resident's report; the report that brings the comment's open reports to
    ``COMMENT_REPORTS_TO_HIDE`` hides it pending review, and alerts the venue's managers.

    Only a resident who may comment at the venue may report its comments (otherwise
    ``checkin_required``, 403); once per resident and comment (again: ``already_reported``,
    409); never of one's own comment (``permission_denied``). Reports of a hidden comment are
    kept for the review. Reports of one comment are serialised by its row lock, so that however
    many arrive at once the count is right and the comment is hidden exactly once.
    """
    if comment.author_id != reporter.pk and not resident_may_comment(
        resident=reporter, venue=comment.venue
    ):
        raise _checkin_required(
            comment.venue,
            _(
                "Only residents who visited %(venue)s in the last %(days)d days can report its "
                "comments."
            ),
        )
    with transaction.atomic():
        locked = _check_report(comment=comment, reporter=reporter)
        return _do_report(comment=locked, reporter=reporter, reason=reason)


def _check_report(*, comment: Comment, reporter: User) -> Comment:
    """Lock the comment and refuse the report if it may not be made; returns the locked row."""
    if comment.author_id == reporter.pk:
        raise ApplicationError(errors.PERMISSION_DENIED, _("You cannot report your own comment."))
    locked = comment_lock(comment)
    if CommentReport.objects.filter(comment=locked, reporter=reporter).exists():
        raise ApplicationError(
            error_codes.ALREADY_REPORTED, _("You already reported this comment.")
        )
    return locked


def _do_report(*, comment: Comment, reporter: User, reason: str) -> CommentReport:
    """Store the report and hide the comment at the threshold. Must run under `comment_lock`."""
    try:
        with transaction.atomic():
            report = CommentReport.objects.create(comment=comment, reporter=reporter, reason=reason)
    except IntegrityError as exc:
        # Only reachable without the row lock (SQLite ignores it): the constraint still holds.
        raise ApplicationError(
            error_codes.ALREADY_REPORTED, _("You already reported this comment.")
        ) from exc
    # The unique (comment, reporter) constraint makes this a count of distinct residents.
    open_reports = CommentReport.objects.filter(comment=comment, reviewed_at__isnull=True).count()
    if comment.status == CommentStatus.VISIBLE and open_reports >= settings.COMMENT_REPORTS_TO_HIDE:
        comment_set_status(comment=comment, status=CommentStatus.HIDDEN, reason=HIDDEN_BY_REPORTS)
        comment_alert_raise(comment=comment, reason=CommentAlert.Reason.REPORTED)
    return report


def comment_hide(*, comment: Comment, by: User, reason: str = "") -> Comment:
    """A manager hides a comment and closes its open reports; ``reason`` is shown to its
    author (one of `HIDE_REASONS`, or the manager's own words; none: `HIDDEN_BY_MANAGERS`).
    Hiding a hidden comment keeps the first hide (its reason and time) and only closes the
    reports."""
    with transaction.atomic():
        comment = comment_lock(comment)
        if comment.status != CommentStatus.HIDDEN:
            comment_set_status(
                comment=comment,
                status=CommentStatus.HIDDEN,
                by=by,
                reason=reason.strip() or HIDDEN_BY_MANAGERS,
            )
        _close_open_reports(comment)
        activity_record(
            actor=by,
            action="comment.hidden",
            obj=comment,
            summary=said(
                gettext_noop("A comment at %(venue)s was hidden: %(reason)s"),
                venue=comment.venue.name,
                reason=said(comment.hidden_reason),
            ),
        )
    return comment


def comment_restore(*, comment: Comment, by: User) -> Comment:
    """A manager makes a comment visible again and closes its open reports, so that the next
    report does not hide it at once. On a visible comment this dismisses its reports."""
    with transaction.atomic():
        comment = comment_lock(comment)
        if comment.status != CommentStatus.VISIBLE:
            comment_set_status(comment=comment, status=CommentStatus.VISIBLE, by=by)
        _close_open_reports(comment)
        activity_record(
            actor=by,
            action="comment.restored",
            obj=comment,
            summary=said(
                gettext_noop("A comment at %(venue)s is visible, its reports closed."),
                venue=comment.venue.name,
            ),
        )
    return comment


def comment_set_status(
    *, comment: Comment, status: str, by: User | None = None, reason: str = ""
) -> Comment:
    """Move a comment to ``status`` if `TRANSITIONS` allows it, else `CommentTransitionError`.

    Must run under `comment_lock` on the comment. ``by`` is the manager (None when reports
    hid it).
    """
    check_move(TRANSITIONS, comment.status, status, what="comment", error=CommentTransitionError)
    comment.status = status
    comment.moderated_by = by
    if status == CommentStatus.HIDDEN:
        comment.hidden_reason = reason[:HIDDEN_REASON_MAX_LENGTH]
        comment.hidden_at = timezone.now()
    else:
        comment.hidden_reason = ""
        comment.hidden_at = None
    comment.save(update_fields=["status", "moderated_by", "hidden_reason", "hidden_at"])
    return comment


def comment_lock(comment: Comment) -> Comment:
    """The comment's current row, locked until the transaction ends (404 if it was deleted).
    Only the comment's row: locking its author too would serialise unrelated work."""
    locked = (
        Comment.objects.select_for_update(of=("self",))
        .select_related("author")
        .filter(pk=comment.pk)
        .first()
    )
    if locked is None:
        raise ApplicationError(errors.NOT_FOUND, _("This comment no longer exists."))
    return locked


def _close_open_reports(comment: Comment) -> None:
    comment.reports.filter(reviewed_at__isnull=True).update(reviewed_at=timezone.now())
