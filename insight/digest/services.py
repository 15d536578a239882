"""Sending the weekly digest: once per person per week, however often or concurrently it runs.

Each (user, week) is claimed by inserting a ``DigestSent`` row in its own transaction before
the email goes out. The unique constraint decides a race: a second run blocks on the first's
insert and then fails it, so it skips. If the email backend refuses the message, the claim
is deleted and the next run tries again; if the process dies between the claim and the send,
that week's digest is lost rather than sent twice (at most once, on purpose: a digest is not
worth a duplicate).
"""

import logging
from datetime import date

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext as _

from insight.digest.selectors import Recipient, digest_recipients, digest_sections, digest_week
from insight.digest.tokens import unsubscribe_token
from insight.models import DigestOptOut, DigestSent
from insight.stats.selectors import DateRange
from venues.models import staff_email_language

logger = logging.getLogger(__name__)


def digests_send(*, today: date | None = None) -> int:
    """Send last week's digest to every recipient who has not had it; returns how many were
    sent by this run."""
    week = digest_week(today or timezone.localdate())
    sent = 0
    for recipient in digest_recipients():
        sent += digest_send(recipient=recipient, week=week)
    return sent


def digest_send(*, recipient: Recipient, week: DateRange) -> bool:
    """Claim and send one recipient's digest of ``week``; False if it was claimed already."""
    try:
        with transaction.atomic():
            claim = DigestSent.objects.create(user=recipient.user, week_start=week.start)
    except IntegrityError:
        return False
    try:
        digest_message(recipient=recipient, week=week).send()
    except Exception:
        logger.exception("digest to user %s not sent; the next run retries", recipient.user.pk)
        claim.delete()
        return False
    DigestSent.objects.filter(pk=claim.pk).update(sent_at=timezone.now())
    return True


def digest_message(*, recipient: Recipient, week: DateRange) -> EmailMultiAlternatives:
    """The digest email (plain text and HTML), with one-click unsubscribe headers (RFC 8058)."""
    base = settings.PUBLIC_BASE_URL
    unsubscribe = base + reverse("digest-unsubscribe", args=[unsubscribe_token(recipient.user)])
    language = staff_email_language(recipient.councils + [v.council for v in recipient.venues])
    with translation.override(language):
        return _digest_message(recipient, week, unsubscribe)


def _digest_message(recipient: Recipient, week: DateRange, unsubscribe: str):
    base = settings.PUBLIC_BASE_URL
    sections = digest_sections(recipient, week)
    for section in sections:
        path = (
            reverse("insight", args=[section["council"].slug])
            if section["venue"] is None
            else reverse("insight-venue", args=[section["council"].slug, section["venue"].pk])
        )
        section["url"] = f"{base}{path}?period=custom&start={week.start}&end={week.end}"
    context = {
        "user": recipient.user,
        "week": week,
        "sections": sections,
        "unsubscribe_url": unsubscribe,
        "settings_url": base + reverse("digest-settings"),
    }
    message = EmailMultiAlternatives(
        subject=_("Your week at council venues: %(start)s to %(end)s")
        % {"start": date_format(week.start, "j M"), "end": date_format(week.end, "j M Y")},
        body=render_to_string("insight/digest_email.txt", context),
        to=[recipient.user.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.attach_alternative(render_to_string("insight/digest_email.html", context), "text/html")
    return message


def digest_opt_out(*, user) -> None:
    """Stop the user's weekly digest (idempotent)."""
    DigestOptOut.objects.get_or_create(user=user)


def digest_opt_in(*, user) -> None:
    """Send the user the weekly digest again (idempotent)."""
    DigestOptOut.objects.filter(user=user).delete()
