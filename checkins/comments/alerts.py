"""Telling a venue's managers, within minutes, of a comment they should see now: rated
``COMMENT_ALERT_RATING_AT_MOST`` (2) or less, or hidden by residents' reports.

An alert is a row (`CommentAlert`, one per comment at most) made in the transaction that made
the comment or its hiding report; once that commits, a job sends it (`comment_alert_send`),
and the ``comment-emails`` beat entry sends any the job missed (a broker that was down). The
job claims the row with a conditional update before sending, so of the job, its retry and the
sweep exactly one sends; if the mail backend refuses, the claim is released for the next
sweep. A worker killed between claim and send loses that alert rather than risking two (the
digest still lists the comment).

Who hears: the venue's managers; a venue without one, its council's admins. Each chooses on
the digest page (``/digest/``) to hear at once (the default) or in the weekly digest instead
(accounts.preferences); the digest lists every comment of the week not already emailed to its
reader.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.preferences import users_wanting_alerts_at_once
from checkins import tasks
from checkins.models import Comment, CommentAlert
from venues.models import Role, Venue, staff_email_language

logger = logging.getLogger(__name__)

# The sweep leaves an alert this long to the job queued when it was made.
SWEEP_GRACE = timedelta(minutes=1)


def comment_alert_raise(*, comment: Comment, reason: str) -> CommentAlert | None:
    """Make the comment's alert, unless it has one (an alert is sent once per comment, whatever
    happens to it next), and send it once the surrounding transaction commits. Must run inside
    that transaction (the comment's creation, or the report that hid it, under its lock)."""
    if CommentAlert.objects.filter(comment=comment).exists():
        return None
    alert = CommentAlert.objects.create(comment=comment, reason=reason, created_at=timezone.now())
    transaction.on_commit(lambda: tasks.comment_alert_send.delay(alert.pk), robust=True)
    return alert


def alert_recipients(venue: Venue) -> list[User]:
    """The venue's managers, or its council's admins when it has no manager: active accounts,
    in a fixed order (before anyone's choice of hearing at once is applied)."""
    managers = User.objects.filter(
        is_active=True, roles__venue=venue, roles__role=Role.Kind.VENUE_MANAGER
    )
    if not managers.exists():
        managers = User.objects.filter(
            is_active=True,
            roles__council_id=venue.council_id,
            roles__venue__isnull=True,
            roles__role=Role.Kind.COUNCIL_ADMIN,
        )
    return list(managers.distinct().order_by("email"))


def comment_alert_send(*, alert_id) -> bool:
    """Claim and send one alert; False when another run has it, it was sent, or it is gone."""
    now = timezone.now()
    claimed = CommentAlert.objects.filter(
        pk=alert_id, claimed_at__isnull=True, sent_at__isnull=True
    ).update(claimed_at=now)
    if not claimed:
        return False
    alert = (
        CommentAlert.objects.select_related("comment__venue__council", "comment__author")
        .filter(pk=alert_id)
        .first()
    )
    if alert is None:  # the comment was deleted meanwhile
        return False
    recipients = users_wanting_alerts_at_once(alert_recipients(alert.comment.venue))
    try:
        if recipients:
            messages = [comment_alert_message(alert=alert, recipient=user) for user in recipients]
            get_connection().send_messages(messages)
    except Exception:
        logger.exception("Comment alert %s not sent; the next sweep retries", alert.pk)
        CommentAlert.objects.filter(pk=alert.pk).update(claimed_at=None)
        return False
    with transaction.atomic():
        CommentAlert.objects.filter(pk=alert.pk).update(sent_at=timezone.now())
        alert.sent_to.set(recipients)
    return True


def comment_alerts_sweep() -> int:
    """Send every alert still unclaimed a minute after it was made; returns how many were
    sent (each is claimed on its own, so overlapping sweeps send each once)."""
    due = CommentAlert.objects.filter(
        claimed_at__isnull=True,
        sent_at__isnull=True,
        created_at__lte=timezone.now() - SWEEP_GRACE,
    ).values_list("pk", flat=True)
    return sum(comment_alert_send(alert_id=alert_id) for alert_id in list(due))


def comment_alert_message(*, alert: CommentAlert, recipient: User) -> EmailMultiAlternatives:
    """The alert to one of the venue's managers (in Welsh for a Welsh or bilingual council's
    people, `staff_email_language`): what was said, why it matters now, and where to answer
    it."""
    comment = alert.comment
    venue = comment.venue
    base = settings.PUBLIC_BASE_URL
    with translation.override(staff_email_language([venue.council])):
        context = {
            "alert": alert,
            "user": recipient,
            "comment": comment,
            "venue": venue,
            "author": comment.author_shown_as,
            "reply_url": base + reverse("admin:checkins_comment_reply", args=[comment.pk]),
            "comment_url": base + reverse("admin:checkins_comment_change", args=[comment.pk]),
            "page_url": base + reverse("venue-page", args=[venue.pk]),
            "settings_url": base + reverse("digest-settings"),
            "reports_to_hide": settings.COMMENT_REPORTS_TO_HIDE,
        }
        if alert.reason == CommentAlert.Reason.LOW_RATING:
            subject = _("%(venue)s: a comment rated %(rating)s of 5") % {
                "venue": venue.shown_name,
                "rating": comment.rating,
            }
        else:
            subject = _("%(venue)s: a comment was hidden after reports") % {
                "venue": venue.shown_name
            }
        message = EmailMultiAlternatives(
            subject=subject,
            body=render_to_string("checkins/comment_alert_email.txt", context),
            to=[recipient.email],
        )
        message.attach_alternative(
            render_to_string("checkins/comment_alert_email.html", context), "text/html"
        )
    return message
