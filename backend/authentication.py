"""Refusing a closed account as SimpleJWT refuses it, wherever an answer is about to be given.

SimpleJWT reads the user's row while authenticating and refuses an inactive (closed, erased)
or deleted account there. A view that authenticates by the token alone (the check-in, see
accounts/authentication.py) reads the row later, so it asks here before it answers.
"""

from django.core.exceptions import ObjectDoesNotExist
from rest_framework.exceptions import AuthenticationFailed
from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.tokens import Token


def closed_account_refusal(request) -> AuthenticationFailed | None:
    """The refusal of ``request.user``'s account if it is closed or gone, else None.

    Free when the user's row was read (``is_active`` loaded); reads it otherwise. A closed
    account is answered by SimpleJWT itself (its message, code and translation), from the
    request's token.
    """
    try:
        if request.user.is_active:
            return None
    except ObjectDoesNotExist:
        pass
    if isinstance(request.auth, Token):
        try:
            JWTAuthentication().get_user(request.auth)
        except AuthenticationFailed as refusal:
            return refusal
    return AuthenticationFailed()
