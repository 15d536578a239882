"""Changing an account's email address, confirmed from the new address before it changes.

The link's token is signed (Django's ``signing``) and names the account, the address it had
when the change was asked for, the new one, and when it was asked: it is valid
``EMAIL_CHANGE_VALID_HOURS``, timed by ``timezone.now()`` (the project's one clock). It works
once: after the change the account's address is no longer the one in the token. The old
address is told that the address changed, so a person whose account was taken over learns of
it.
"""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import error_codes
from accounts.models import User, normalize_email
from backend.errors import INVALID, ApplicationError

logger = logging.getLogger(__name__)

SALT = "accounts.email_change"


class EmailChangeLinkInvalid(Exception):
    """The link is forged, too old, or used already."""


def email_change_token(*, user: User, new_email: str) -> str:
    asked_at = timezone.now().isoformat()
    return signing.dumps([str(user.pk), user.email, new_email, asked_at], salt=SALT)


def user_email_change_request(*, user: User, new_email: str) -> str:
    """Email a confirmation link to ``new_email`` (the address changes only once it is
    followed); returns the address it was sent to. 400 when it is the current address or
    another account's (``email_taken``)."""
    new_email = normalize_email(new_email)
    if new_email == user.email:
        raise ApplicationError(
            INVALID,
            _("This is already your email address."),
            fields={"email": [_("This is already your email address.")]},
        )
    if User.objects.filter(email=new_email).exists():
        raise _taken()
    url = settings.PUBLIC_BASE_URL + reverse(
        "account-email-confirm", args=[email_change_token(user=user, new_email=new_email)]
    )
    context = {
        "user": user,
        "url": url,
        "new_email": new_email,
        "hours": settings.EMAIL_CHANGE_VALID_HOURS,
    }
    send_mail(
        subject=_("Confirm your new email address"),
        message=render_to_string("accounts/email/email_change.txt", context),
        from_email=None,
        recipient_list=[new_email],
    )
    return new_email


def email_change_read(token: str) -> tuple[User, str]:
    """The account and the new address a confirmation link names, if it still works."""
    try:
        user_id, old_email, new_email, asked_at = signing.loads(token, salt=SALT)
        asked_at = datetime.fromisoformat(asked_at)
    except (signing.BadSignature, ValueError, TypeError) as exc:
        raise EmailChangeLinkInvalid from exc
    if timezone.now() - asked_at > timedelta(hours=settings.EMAIL_CHANGE_VALID_HOURS):
        raise EmailChangeLinkInvalid
    user = User.objects.filter(pk=user_id, email=old_email, is_active=True).first()
    if user is None:
        raise EmailChangeLinkInvalid
    return user, new_email


def user_email_change_confirm(*, token: str) -> User:
    """Change the address a valid link names; `EmailChangeLinkInvalid` otherwise, 400
    ``email_taken`` if another account took the address meanwhile."""
    user, new_email = email_change_read(token)
    old_email = user.email
    try:
        with transaction.atomic():
            locked = User.objects.select_for_update().get(pk=user.pk)
            if locked.email != old_email:
                raise EmailChangeLinkInvalid
            locked.email = new_email
            locked.save(update_fields=["email"])
    except IntegrityError as exc:
        raise _taken() from exc
    context = {"user": locked, "new_email": new_email}
    try:
        send_mail(
            subject=_("Your email address was changed"),
            message=render_to_string("accounts/email/email_changed_notice.txt", context),
            from_email=None,
            recipient_list=[old_email],
        )
    except Exception:
        logger.exception("account %s: the notice to the old address was not sent", user.pk)
    return locked


def _taken() -> ApplicationError:
    return ApplicationError(
        error_codes.EMAIL_TAKEN,
        _("An account with this email already exists."),
        fields={"email": [_("An account with this email already exists.")]},
    )
