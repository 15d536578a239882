"""Inviting someone to a role, sending again, cancelling and accepting. Each service is one
transaction, records itself in the council's activity log, and sends its email (if any) once
the transaction commits.

Decisions:
- Who may invite whom is `venues.access`'s ``invitation.create`` (what granting the role there
  needs): council admins any role of their council, managers the staff of their venue,
  superusers anyone. The services ask it, so the API, the back office and "New council" hold
  the same rule.
- Inviting someone who already has an open invitation to the same role sends that one again
  (a new link, a new expiry) rather than a second: there is one open invitation per person and
  role (a unique constraint). Someone who already holds the role is refused (``role_exists``).
- The link is for the email it was sent to: accepting needs an account with that email, signed
  in, or a new account made on the link's page (which proves the address, as the link came to
  it). An account with another email is refused, and the page says which email to use.
- Accepting grants the role as `role_grant` does (``is_staff`` follows), once, under the
  invitation's row lock: of two tabs accepting at once one grants and the other finds it used.
"""

import logging
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from accounts.models import User, normalize_email
from accounts.services import user_register
from backend.errors import NOT_FOUND, PERMISSION_DENIED, ApplicationError
from venues import error_codes
from venues.access import may
from venues.activity.sentences import Sentence, english, said
from venues.activity.services import activity_record
from venues.invitations.models import Invitation
from venues.invitations.tokens import invitation_token
from venues.models import Council, Role, Venue, staff_email_language
from venues.services import council_create, role_grant, role_target_check

logger = logging.getLogger(__name__)

OPEN = {"accepted_at__isnull": True, "cancelled_at__isnull": True}


def _new_nonce() -> str:
    return secrets.token_urlsafe(16)


def _expiry(now):
    return now + timedelta(days=settings.INVITATION_VALID_DAYS)


def invitation_url(invitation: Invitation) -> str:
    """The link in the email (absolute, on ``PUBLIC_BASE_URL``)."""
    path = reverse("invitation", args=[invitation_token(invitation)])
    return settings.PUBLIC_BASE_URL + path


ROLE_NAMES: dict[str, Promise] = {
    Role.Kind.COUNCIL_ADMIN: gettext_lazy("council admin"),
    Role.Kind.VENUE_MANAGER: gettext_lazy("venue manager"),
    Role.Kind.VENUE_STAFF: gettext_lazy("venue staff"),
}


def role_words(role: str, *, council: Council, venue: Venue | None) -> str:
    """ "venue staff at Leeds Central Library", "council admin of Leeds City Council", in the
    reader's language (pages and emails)."""
    if venue is not None:
        return _("%(role)s at %(venue)s") % {"role": ROLE_NAMES[role], "venue": venue.shown_name}
    return _("%(role)s of %(council)s") % {
        "role": ROLE_NAMES[role],
        "council": council.shown_name,
    }


def _role_logged(role: str, *, council: Council, venue: Venue | None) -> Sentence:
    """`role_words` for the activity log, which each reader reads in their own language."""
    if venue is not None:
        return said(
            gettext_noop("%(role)s at %(venue)s"),
            role=said(english(ROLE_NAMES[role])),
            venue=venue.name,
        )
    return said(
        gettext_noop("%(role)s of %(council)s"),
        role=said(english(ROLE_NAMES[role])),
        council=council.name,
    )


def _refuse_unless_may(person, permission: str, target) -> None:
    if not may(person, permission, target):
        raise ApplicationError(
            PERMISSION_DENIED, _("You do not have a role that allows inviting to this role here.")
        )


def invitation_create(
    *, council: Council, venue: Venue | None, role: str, email: str, invited_by: User
) -> Invitation:
    """Invite ``email`` to ``role`` in ``council`` (at ``venue`` for the venue roles) and email
    them the link. 403 unless ``invited_by`` may grant that role there; 400 for a role that
    does not fit; 409 ``role_exists`` if that account holds the role already."""
    email = normalize_email(email)
    role_target_check(council=council, role=role, venue=venue)
    _refuse_unless_may(
        invited_by, "invitation.create", Invitation(council=council, venue=venue, role=role)
    )
    holder = Role.objects.filter(user__email=email, council=council, venue=venue, role=role)
    if holder.exists():
        raise ApplicationError(error_codes.ROLE_EXISTS, _("This person already has this role."))
    now = timezone.now()
    try:
        with transaction.atomic():
            open_one = (
                Invitation.objects.select_for_update()
                .filter(email=email, council=council, venue=venue, role=role, **OPEN)
                .first()
            )
            if open_one is not None:
                return _send_again(open_one, by=invited_by, now=now)
            invitation = Invitation.objects.create(
                council=council,
                venue=venue,
                role=role,
                email=email,
                invited_by=invited_by,
                created_at=now,
                sent_at=now,
                expires_at=_expiry(now),
                nonce=_new_nonce(),
            )
            activity_record(
                actor=invited_by,
                action="invitation.sent",
                obj=invitation,
                summary=said(
                    gettext_noop("%(email)s was invited as %(role)s."),
                    email=email,
                    role=_role_logged(role, council=council, venue=venue),
                ),
            )
            _email_on_commit(invitation)
            return invitation
    except IntegrityError as exc:  # a parallel invitation of the same person won
        raise ApplicationError(
            error_codes.INVITATION_CLOSED, _("This person was invited a moment ago.")
        ) from exc


def invitation_resend(*, invitation: Invitation, by: User) -> Invitation:
    """Send a pending or lapsed invitation again: a new link (the old one stops working) valid
    for ``INVITATION_VALID_DAYS`` from now. 409 ``invitation_closed`` once accepted or
    cancelled."""
    _refuse_unless_may(by, "invitation.resend", invitation)
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if locked.accepted_at is not None or locked.cancelled_at is not None:
            raise ApplicationError(
                error_codes.INVITATION_CLOSED,
                _("This invitation was accepted; invite the person again instead.")
                if locked.accepted_at is not None
                else _("This invitation was cancelled; invite the person again instead."),
            )
        return _send_again(locked, by=by, now=timezone.now())


def _send_again(invitation: Invitation, *, by: User, now) -> Invitation:
    """Under the invitation's row lock: a new nonce and expiry, recorded, emailed."""
    invitation.nonce = _new_nonce()
    invitation.sent_at = now
    invitation.expires_at = _expiry(now)
    invitation.save(update_fields=["nonce", "sent_at", "expires_at"])
    activity_record(
        actor=by,
        action="invitation.resent",
        obj=invitation,
        summary=said(
            gettext_noop("The invitation of %(email)s as %(role)s was sent again."),
            email=invitation.email,
            role=_role_logged(invitation.role, council=invitation.council, venue=invitation.venue),
        ),
    )
    _email_on_commit(invitation)
    return invitation


def invitation_cancel(*, invitation: Invitation, by: User) -> Invitation:
    """Cancel an invitation that has not been accepted: its link stops working. Cancelling a
    cancelled one changes nothing; an accepted one is 409 ``invitation_closed`` (end the role
    instead)."""
    _refuse_unless_may(by, "invitation.cancel", invitation)
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if locked.accepted_at is not None:
            raise ApplicationError(
                error_codes.INVITATION_CLOSED,
                _("This invitation was accepted: end the person's role instead."),
            )
        if locked.cancelled_at is None:
            locked.cancelled_at = timezone.now()
            locked.cancelled_by = by
            locked.save(update_fields=["cancelled_at", "cancelled_by"])
            activity_record(
                actor=by,
                action="invitation.cancelled",
                obj=locked,
                summary=said(
                    gettext_noop("The invitation of %(email)s was cancelled."), email=locked.email
                ),
            )
    return locked


def council_create_and_invite(
    *,
    slug: str,
    name: str,
    name_cy: str = "",
    website: str,
    language: str,
    first_admin_email: str,
    by: User,
) -> tuple[Council, Invitation]:
    """A superuser's "New council": the council and the invitation of its first admin, in one
    transaction (a refused invitation leaves no council behind)."""
    with transaction.atomic():
        council = council_create(
            slug=slug, name=name, name_cy=name_cy, website=website, language=language, actor=by
        )
        invitation = invitation_create(
            council=council,
            venue=None,
            role=Role.Kind.COUNCIL_ADMIN,
            email=first_admin_email,
            invited_by=by,
        )
    return council, invitation


class InvitationNotUsable(Exception):
    """The invitation cannot be accepted now: ``status`` says why (accepted, cancelled,
    expired, or "replaced" when a newer email's link superseded this one)."""

    def __init__(self, status: str) -> None:
        super().__init__(status)
        self.status = status


def _lock_usable(invitation_id, nonce: str) -> Invitation:
    """The invitation, locked, if its link (``nonce``) can still be used; else
    `InvitationNotUsable`."""
    locked = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("council", "venue")
        .filter(pk=invitation_id)
        .first()
    )
    if locked is None:
        raise ApplicationError(NOT_FOUND, _("This invitation does not exist."))
    status = locked.status
    if status != Invitation.Status.PENDING:
        raise InvitationNotUsable(status)
    if not secrets.compare_digest(locked.nonce, nonce):
        raise InvitationNotUsable("replaced")
    return locked


def invitation_accept(*, invitation: Invitation, nonce: str, user: User) -> Role | None:
    """``user`` (signed in with the invitation's email) accepts: the role is theirs. Returns
    the role (None if they held it already). `InvitationNotUsable` when the link no longer
    works; 403 for an account with another email."""
    with transaction.atomic():
        locked = _lock_usable(invitation.pk, nonce)
        if normalize_email(user.email) != locked.email:
            raise ApplicationError(
                PERMISSION_DENIED, _("This invitation was sent to another email address.")
            )
        return _accept(locked, user)


def invitation_accept_new_account(
    *, invitation: Invitation, nonce: str, display_name: str, password: str, birth_year: int
) -> tuple[User, Role | None]:
    """Make the account of the invitation's email (its owner followed the link, which proves
    the address) and accept with it, in one transaction: a weak password or a taken email
    (``user_register``'s refusals) leaves nothing behind."""
    with transaction.atomic():
        locked = _lock_usable(invitation.pk, nonce)
        user = user_register(
            email=locked.email,
            password=password,
            display_name=display_name,
            birth_year=birth_year,
        )
        return user, _accept(locked, user)


def _accept(locked: Invitation, user: User) -> Role | None:
    """Under the invitation's row lock: grant the role (unless held), mark it accepted."""
    try:
        with transaction.atomic():
            role = role_grant(
                council=locked.council,
                email=user.email,
                role=locked.role,
                venue=locked.venue,
                granted_by=locked.invited_by,
            )
    except ApplicationError as exc:
        if exc.error != error_codes.ROLE_EXISTS:
            raise
        role = None
    locked.accepted_at = timezone.now()
    locked.accepted_by = user
    locked.save(update_fields=["accepted_at", "accepted_by"])
    activity_record(
        actor=user,
        action="invitation.accepted",
        obj=locked,
        summary=said(
            gettext_noop("%(email)s accepted the invitation as %(role)s."),
            email=user.email,
            role=_role_logged(locked.role, council=locked.council, venue=locked.venue),
        ),
    )
    return role


def _email_on_commit(invitation: Invitation) -> None:
    """Email the invitation's current link once the transaction commits. A refusal of the mail
    server is logged; the back office's "send again" (and the API's) is the way to retry."""
    url = invitation_url(invitation)
    invitation_id = invitation.pk

    def send() -> None:
        try:
            invitation_message(invitation=invitation, url=url).send()
        except Exception:
            logger.exception("invitation %s: the email could not be sent", invitation_id)

    transaction.on_commit(send)


def invitation_message(*, invitation: Invitation, url: str) -> EmailMultiAlternatives:
    """The invitation email, in the council's staff language (`staff_email_language`: Welsh
    for a Welsh or bilingual council, as its other emails to staff), whoever sends it and in
    whichever language their own page was."""
    with translation.override(staff_email_language([invitation.council])):
        context = {
            "invitation": invitation,
            "url": url,
            "role": role_words(invitation.role, council=invitation.council, venue=invitation.venue),
            "inviter": invitation.invited_by.display_name if invitation.invited_by else "",
            "days": settings.INVITATION_VALID_DAYS,
        }
        message = EmailMultiAlternatives(
            subject=render_to_string("invitations/email_subject.txt", context).strip(),
            body=render_to_string("invitations/email.txt", context),
            to=[invitation.email],
        )
        message.attach_alternative(render_to_string("invitations/email.html", context), "text/html")
    return message
