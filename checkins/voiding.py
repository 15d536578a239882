"""Voiding a check-in found to be fraud (API.md, "Evidence, the desk and fraud review").

A voided check-in stays, marked (``voided_at``, who, why): the record of what happened is never
edited away. It leaves the statistics (its daily rollup row), the offers' counts and rules, and
what it earned is taken back by reversing postings (``rewards.offers.voiding``). One transaction,
under the resident's row lock (the one every check-in takes), so a void and a check-in of the
same resident never interleave; the check-in's own row lock decides two voids at once.
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import User
from backend import errors
from backend.errors import ApplicationError
from checkins import error_codes
from checkins.models import CheckIn
from checkins.visit_days import visit_day_remove
from rewards.offers.voiding import TakenBack, checkin_rewards_take_back
from venues.access import may
from venues.activity.sentences import said
from venues.activity.services import activity_record

REASON_MAX_LENGTH = 500


@dataclass
class CheckinVoided:
    checkin: CheckIn
    taken_back: TakenBack


def checkin_void(*, checkin: CheckIn, by: User, reason: str) -> CheckinVoided:
    """Void ``checkin`` for ``reason``, as ``by`` (a manager of its venue or an admin of its
    council: 403 ``permission_denied`` otherwise); 409 ``already_void`` the second time."""
    reason = (reason or "").strip()
    if not reason:
        message = _("Say why the check-in is void.")
        raise ApplicationError(errors.INVALID, message, fields={"reason": [message]})
    if len(reason) > REASON_MAX_LENGTH:
        message = _("At most %(max)d characters.") % {"max": REASON_MAX_LENGTH}
        raise ApplicationError(errors.INVALID, message, fields={"reason": [message]})
    if not may(by, "checkin.void", checkin):
        raise ApplicationError(
            errors.PERMISSION_DENIED, _("Only the venue's managers can void its check-ins.")
        )
    with transaction.atomic():
        # The resident's lock, as their check-ins take it (NO KEY UPDATE: checkins.services).
        resident = User.objects.select_for_update(no_key=True).filter(pk=checkin.resident_id)
        list(resident.values_list("pk"))
        locked = CheckIn.objects.select_for_update().select_related("venue").get(pk=checkin.pk)
        if locked.voided_at is not None:
            raise ApplicationError(error_codes.ALREADY_VOID, _("This check-in is already void."))
        now = timezone.now()
        locked.voided_at, locked.voided_by, locked.void_reason = now, by, reason
        locked.save(update_fields=["voided_at", "voided_by", "void_reason"])
        visit_day_remove(checkin=locked)
        taken = checkin_rewards_take_back(checkin_id=locked.pk, now=now)
        activity_record(
            actor=by,
            action="checkin.voided",
            obj=locked,
            summary=said(
                gettext_noop("A check-in at %(venue)s was voided: %(reason)s"),
                venue=locked.venue.name,
                reason=reason,
            ),
        )
    return CheckinVoided(checkin=locked, taken_back=taken)
