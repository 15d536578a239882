"""Raising, resolving and announcing alerts.

`alert_raise` is called by the rules (``checkins.alerts.rules``) inside the transaction that
records the check-in or the refusal which crossed a threshold. An open alert with the same
``dedupe_key`` is bumped instead (``occurrences``, ``last_seen_at``, the latest detail): the
partial unique index on open keys decides a race between two requests raising it at once. A new
alert emails the venue's managers after the commit (`alert_notify`, through a Celery task).
"""

import logging
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from checkins.alerts.words import alert_detail_shown
from checkins.models import Alert
from checkins.tasks import alert_notify_task
from venues.activity.sentences import english, said
from venues.activity.services import activity_record
from venues.models import Role, staff_email_language

logger = logging.getLogger(__name__)


def alert_raise(
    *,
    kind: str,
    venue,
    dedupe_key: str,
    detail: str,
    facts: dict | None = None,
    poster=None,
    account=None,
    checkin=None,
    attempt=None,
) -> Alert:
    """Open an alert, or add this occurrence to the open one with ``dedupe_key``. ``detail`` is
    the English sentence (the API's); ``facts``, what it was worded from (see
    ``checkins.alerts.words``), lets the email and the back office say it in Welsh."""
    now = timezone.now()
    fields = {"detail": detail[:500], "facts": facts or {}, "last_seen_at": now}
    for _attempt in range(2):
        bumped = Alert.objects.filter(dedupe_key=dedupe_key, resolved_at__isnull=True).update(
            occurrences=F("occurrences") + 1, **fields
        )
        if bumped:
            return Alert.objects.get(dedupe_key=dedupe_key, resolved_at__isnull=True)
        try:
            with transaction.atomic():
                alert = Alert.objects.create(
                    kind=kind,
                    venue=venue,
                    poster=poster,
                    account=account,
                    checkin=checkin,
                    attempt=attempt,
                    dedupe_key=dedupe_key,
                    created_at=now,
                    **fields,
                )
        except IntegrityError:
            continue  # raised at this instant by another request: bump theirs
        logger.warning("Alert %s (%s) at venue %s: %s", alert.pk, kind, venue.pk, detail)
        # Robust: an outage of the broker must not fail the check-in that committed; the
        # periodic alerts_notify_pending sends what was not queued.
        transaction.on_commit(partial(alert_notify_task.delay, str(alert.pk)), robust=True)
        return alert
    raise RuntimeError(f"Could not raise or bump the alert {dedupe_key!r}.")


def alert_resolve(*, alert: Alert, by, resolution: str = "") -> Alert:
    """Close an alert (what was done about it in ``resolution``). Resolving a resolved alert
    changes nothing. The next signal of the same kind opens a new one."""
    with transaction.atomic():
        alert = (
            Alert.objects.select_for_update(of=("self",)).select_related("venue").get(pk=alert.pk)
        )
        if alert.resolved_at is None:
            alert.resolved_at = timezone.now()
            alert.resolved_by = by
            alert.resolution = resolution[:500]
            alert.save(update_fields=["resolved_at", "resolved_by", "resolution"])
            activity_record(
                actor=by,
                action="alert.resolved",
                obj=alert,
                summary=said(
                    gettext_noop("Alert at %(venue)s resolved: %(kind)s."),
                    venue=alert.venue.name,
                    kind=said(english(alert.get_kind_display())),
                ),
            )
    return alert


def alert_recipients(alert: Alert) -> list[str]:
    """Who hears of an alert: the venue's managers; the council's admins when the venue has
    none, so that every alert reaches someone."""
    roles = Role.objects.filter(user__is_active=True)
    emails = roles.filter(venue=alert.venue, role=Role.Kind.VENUE_MANAGER)
    if not emails.exists():
        emails = roles.filter(
            council_id=alert.venue.council_id, venue__isnull=True, role=Role.Kind.COUNCIL_ADMIN
        )
    return sorted(set(emails.values_list("user__email", flat=True)))


def alert_notify(*, alert_id) -> bool:
    """Email a new alert to `alert_recipients`, once: the alert is claimed (``notified_at``)
    before the message is sent, and released if the email backend refuses it (the task
    retries). Returns whether this call sent it."""
    claimed = Alert.objects.filter(pk=alert_id, notified_at__isnull=True).update(
        notified_at=timezone.now()
    )
    if not claimed:
        return False
    try:
        message = alert_message(Alert.objects.select_related("venue__council").get(pk=alert_id))
        if message is None:
            return False
        message.send()
    except Exception:
        Alert.objects.filter(pk=alert_id).update(notified_at=None)
        raise
    return True


def alerts_notify_pending(*, within: timedelta = timedelta(days=1)) -> int:
    """Email every open alert of the last ``within`` that was never emailed (its task could
    not be queued); returns how many this call sent. Idempotent (`alert_notify` claims)."""
    pending = Alert.objects.filter(
        notified_at__isnull=True,
        resolved_at__isnull=True,
        created_at__gte=timezone.now() - within,
    ).values_list("pk", flat=True)
    return sum(alert_notify(alert_id=alert_id) for alert_id in list(pending))


def alert_message(alert: Alert) -> EmailMessage | None:
    """The alert's email, in Welsh for a Welsh or bilingual council's people (as the comment
    alerts and the digest, `staff_email_language`): what was found, worded from the alert's
    facts, and where to act on it."""
    recipients = alert_recipients(alert)
    if not recipients:
        return None
    link = settings.PUBLIC_BASE_URL + reverse("admin:checkins_alert_change", args=[alert.pk])
    with translation.override(staff_email_language([alert.venue.council])):
        words = {"alert": alert.get_kind_display(), "venue": alert.venue.shown_name}
        body = "\n\n".join(
            [
                _("%(alert)s at %(venue)s.") % words,
                alert_detail_shown(alert),
                _("Look at it, and at the resident's history, in the back office:") + f"\n{link}",
                _(
                    "From there you can void a check-in (its points and vouchers are taken "
                    "back), revoke a leaked poster and print its replacement, and mark the "
                    "alert resolved."
                ),
            ]
        )
        subject = _("Check-in alert at %(venue)s: %(alert)s") % words
    return EmailMessage(subject=subject, body=body, to=recipients)
