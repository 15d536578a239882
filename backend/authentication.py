"""Refusing a closed account in SimpleJWT's words, wherever an answer is about to be given.

SimpleJWT reads the user's row while authenticating and refuses an inactive (closed, erased)
or deleted account there. A view that authenticates by the token alone (the check-in, see
accounts/authentication.py) reads the row later, so it asks here before it answers.
"""

from django.core.exceptions import ObjectDoesNotExist
from django.utils.translation import gettext as _
from rest_framework.exceptions import AuthenticationFailed


def closed_account_refusal(user) -> AuthenticationFailed | None:
    """SimpleJWT's refusal of ``user``'s account if it is closed or gone, else None. Reads the
    user's row if nothing has read its ``is_active`` yet."""
    try:
        if user.is_active:
            return None
    except ObjectDoesNotExist:
        return AuthenticationFailed(_("User not found"), code="user_not_found")
    return AuthenticationFailed(_("User is inactive"), code="user_inactive")
