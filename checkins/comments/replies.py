"""The venue's official reply to a comment: one per comment, written, edited and deleted by the
venue's managers or the council's admins, and emailed to the comment's author.

Every change runs under the comment's row lock (`comment_lock`), so two managers answering at
once make one reply and the other is told ``reply_exists`` (the one-to-one in the database
holds even where the lock does not, on SQLite). A reply passes the same blocked-word check as
comments. Residents see it signed with the venue's name when one of its managers wrote it, the
council's when a council admin did (`CommentReply.signed_by`).

When a reply is first made its author is emailed, once (the job claims ``emailed_at`` before
sending; the ``comment-emails`` beat entry sends what the job could not), in the language the
comment was written in, with a link to see it, unless they turned those emails off
(accounts.preferences). An edit is not emailed again.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import User
from accounts.preferences import email_preferences_of
from backend import errors
from backend.errors import ApplicationError
from checkins import error_codes, tasks
from checkins.comments.blocked_words import contains_blocked_word
from checkins.comments.services import comment_lock
from checkins.models import Comment, CommentReply
from venues.access import Level, access_for, scope_of
from venues.activity.sentences import said
from venues.activity.services import activity_record
from venues.models import CouncilLanguage

logger = logging.getLogger(__name__)

BODY_MAX_LENGTH = CommentReply.BODY_MAX_LENGTH
# The sweep leaves a reply's email this long to the job queued when it was made.
SWEEP_GRACE = timedelta(minutes=1)


def comment_reply_create(*, comment: Comment, by: User, body: str) -> CommentReply:
    """Answer a comment for the venue. Refuses someone who does not manage its venue
    (``permission_denied``), an empty or too long body (``invalid``), a blocked word
    (``inappropriate_content``), and a second reply (``reply_exists``, 409)."""
    signature = _signature(by, comment)
    body = _checked_body(body)
    exists = ApplicationError(
        error_codes.REPLY_EXISTS,
        _("This comment already has a reply. Change that reply instead of adding another."),
    )
    with transaction.atomic():
        comment = comment_lock(comment)
        if CommentReply.objects.filter(comment=comment).exists():
            raise exists
        now = timezone.now()
        try:
            with transaction.atomic():
                reply = CommentReply.objects.create(
                    comment=comment,
                    body=body,
                    signed_as=signature,
                    author=by,
                    created_at=now,
                    updated_at=now,
                )
        except IntegrityError as error:  # only without the row lock (SQLite)
            raise exists from error
        activity_record(
            actor=by,
            action="comment.replied",
            obj=comment,
            summary=said(
                gettext_noop("Reply to a comment at %(venue)s."), venue=comment.venue.name
            ),
        )
        transaction.on_commit(lambda: tasks.comment_reply_email.delay(str(reply.pk)), robust=True)
    return reply


def comment_reply_update(*, comment: Comment, by: User, body: str) -> CommentReply:
    """Change the comment's reply (it is signed by whoever changed it last); ``not_found``
    when it has none."""
    signature = _signature(by, comment)
    body = _checked_body(body)
    with transaction.atomic():
        comment = comment_lock(comment)
        reply = _reply_of(comment)
        reply.body, reply.signed_as, reply.author = body, signature, by
        reply.updated_at = timezone.now()
        reply.save(update_fields=["body", "signed_as", "author", "updated_at"])
        activity_record(
            actor=by,
            action="comment.reply_changed",
            obj=comment,
            summary=said(
                gettext_noop("Reply to a comment at %(venue)s changed."), venue=comment.venue.name
            ),
        )
    return reply


def comment_reply_delete(*, comment: Comment, by: User) -> None:
    """Take the comment's reply down; ``not_found`` when it has none."""
    _signature(by, comment)
    with transaction.atomic():
        comment = comment_lock(comment)
        _reply_of(comment).delete()
        activity_record(
            actor=by,
            action="comment.reply_deleted",
            obj=comment,
            summary=said(
                gettext_noop("Reply to a comment at %(venue)s taken down."),
                venue=comment.venue.name,
            ),
        )


def reply_signature(user: User, comment: Comment) -> str | None:
    """How a reply by ``user`` is signed (`CommentReply.Signature`), or None when they may not
    reply: the venue's managers sign as the venue, the council's admins as the council."""
    access = access_for(user)
    if not access.may("comment.reply", comment):
        return None
    if access.level_at(scope_of(comment)) >= Level.COUNCIL_ADMIN:
        return CommentReply.Signature.COUNCIL
    return CommentReply.Signature.VENUE


def _signature(user: User, comment: Comment) -> str:
    signature = reply_signature(user, comment)
    if signature is None:
        raise ApplicationError(
            errors.PERMISSION_DENIED,
            _("Only the venue's managers and the council's admins can reply to its comments."),
        )
    return signature


def _checked_body(body: str) -> str:
    body = (body or "").strip()
    if not 1 <= len(body) <= BODY_MAX_LENGTH:
        raise ApplicationError(
            errors.INVALID,
            _("Some fields are invalid."),
            fields={"body": [_("Write 1 to %(max)d characters.") % {"max": BODY_MAX_LENGTH}]},
        )
    if contains_blocked_word(body):
        raise ApplicationError(
            error_codes.INAPPROPRIATE_CONTENT,
            _("The reply contains words we do not publish; please rephrase it."),
        )
    return body


def _reply_of(comment: Comment) -> CommentReply:
    reply = CommentReply.objects.filter(comment=comment).first()
    if reply is None:
        raise ApplicationError(errors.NOT_FOUND, _("This comment has no reply."))
    return reply


# --- The email to the comment's author


def comment_reply_email_send(*, reply_id) -> bool:
    """Email the comment's author about the reply, once; False when it was emailed (or is
    being), the reply is gone, or the author does not get these emails."""
    claimed = CommentReply.objects.filter(pk=reply_id, emailed_at__isnull=True).update(
        emailed_at=timezone.now()
    )
    if not claimed:
        return False
    reply = (
        CommentReply.objects.select_related("comment__venue__council", "comment__author")
        .filter(pk=reply_id)
        .first()
    )
    if reply is None:
        return False
    author = reply.comment.author
    if not author.is_active or not email_preferences_of(author).wants_reply_emails:
        return False
    try:
        comment_reply_message(reply=reply).send()
    except Exception:
        logger.exception(
            "Reply %s not emailed to its comment's author; the sweep retries", reply.pk
        )
        CommentReply.objects.filter(pk=reply.pk).update(emailed_at=None)
        return False
    return True


def reply_emails_sweep() -> int:
    """Email the authors of replies whose job did not (a broker that was down, a mail server
    that refused); returns how many were sent."""
    due = CommentReply.objects.filter(
        emailed_at__isnull=True, created_at__lte=timezone.now() - SWEEP_GRACE
    ).values_list("pk", flat=True)
    return sum(comment_reply_email_send(reply_id=reply_id) for reply_id in list(due))


def reply_email_language(comment: Comment) -> str:
    """The comment's own language; for a comment from before it was kept, the council's."""
    if comment.language:
        return comment.language
    council_language = comment.venue.council.language
    return (
        "cy" if council_language in (CouncilLanguage.WELSH, CouncilLanguage.BILINGUAL) else "en-gb"
    )


def comment_reply_message(*, reply: CommentReply) -> EmailMultiAlternatives:
    comment = reply.comment
    base = settings.PUBLIC_BASE_URL
    with translation.override(reply_email_language(comment)):
        context = {
            "reply": reply,
            "comment": comment,
            "signed_by": reply.signed_by,
            "venue_name": comment.venue.shown_name,
            "author_name": comment.author.display_name,
            "page_url": f"{base}{reverse('venue-page', args=[comment.venue_id])}#comment-"
            f"{comment.pk}",
            "settings_url": f"{base}{reverse('my-comments')}#email-settings",
        }
        message = EmailMultiAlternatives(
            subject=_("%(venue)s replied to your comment") % {"venue": context["venue_name"]},
            body=render_to_string("checkins/reply_email.txt", context),
            to=[comment.author.email],
        )
        message.attach_alternative(
            render_to_string("checkins/reply_email.html", context), "text/html"
        )
    return message
