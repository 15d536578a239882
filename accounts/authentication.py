"""JWT authentication without the user's row, for a hot endpoint that reads the row anyway.

`DeferredUserJWTAuthentication` checks the token as simplejwt does (signature, expiry, type)
but does not SELECT the user: it returns a `User` with only its id loaded. Every other field is
deferred, so reading one (``is_active`` included) loads it from the database: no code can see a
default value for a field it was never given. A view that uses it must refuse a closed account
itself before it answers anything; `CheckinListApi` does, under its row lock on the resident
when the check-in is accepted and with `user_is_active` on every other answer.
"""

from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS
from rest_framework.exceptions import AuthenticationFailed
from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.exceptions import InvalidToken
from rest_framework_simplejwt.settings import api_settings

from accounts.models import User


def user_inactive() -> AuthenticationFailed:
    """The refusal `JWTAuthentication` gives a closed account, word for word."""
    return AuthenticationFailed("User is inactive", code="user_inactive")


class DeferredUserJWTAuthentication(JWTAuthentication):
    def get_user(self, validated_token) -> User:
        if api_settings.CHECK_REVOKE_TOKEN or api_settings.USER_ID_FIELD != "id":
            return super().get_user(validated_token)  # these need the row
        try:
            user_id = User._meta.pk.to_python(validated_token[api_settings.USER_ID_CLAIM])
        except (KeyError, ValidationError) as exc:
            raise InvalidToken("Token contained no recognizable user identification") from exc
        return User.from_db(DEFAULT_DB_ALIAS, ["id"], [user_id])
