"""JWT authentication that reads the account's row only when something needs it.

SimpleJWT's ``JWTAuthentication`` selects the user's row on every request, to refuse a closed
(inactive) or deleted account. A check-in locks and reads that row anyway, in its transaction.
``TokenJWTAuthentication`` authenticates by the signed token alone and hands the view a ``User``
carrying the token's id, every other field deferred: the first read of a field selects the row
then (Django's deferred loading), so nothing ever sees a default in place of the account's
value. The check-in service writes what its lock read on the user (``is_active``).

A view that uses it must refuse a closed account before every answer that did not read the row:
``AccountReadLaterMixin`` does so in ``finalize_response``, the one place every answer of a DRF
view passes (refusals of the input and of the throttle, replayed answers, server errors).
"""

from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import AuthenticationFailed
from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.exceptions import ExpiredTokenError, InvalidToken, TokenError
from rest_framework_simplejwt.settings import api_settings

from accounts.models import User
from backend.authentication import closed_account_refusal


class AccessTokenExpired(AuthenticationFailed):
    """The bearer token was good but has expired: refresh it and retry (``401 token_expired``,
    the code ``backend.errors`` keeps)."""

    default_detail = _("The access token has expired; refresh it and retry.")
    default_code = "token_expired"


class BearerAuthentication(JWTAuthentication):
    """SimpleJWT's bearer token authentication, telling an expired access token (``401
    token_expired``: refresh and retry) from every other problem (``not_authenticated``: sign in
    again). The expiry is looked for only once the token has been refused."""

    def get_validated_token(self, raw_token):
        try:
            return super().get_validated_token(raw_token)
        except InvalidToken as refusal:
            for token_class in api_settings.AUTH_TOKEN_CLASSES:
                try:
                    token_class(raw_token)
                except ExpiredTokenError:
                    raise AccessTokenExpired() from refusal
                except TokenError:
                    continue
            raise


class TokenJWTAuthentication(BearerAuthentication):
    """``JWTAuthentication`` without the SELECT: the user is the token's id, fields deferred."""

    def get_user(self, validated_token):
        if (
            api_settings.CHECK_REVOKE_TOKEN  # compares the token with the password's hash
            or not api_settings.CHECK_USER_IS_ACTIVE
            or User._meta.get_field(api_settings.USER_ID_FIELD) is not User._meta.pk
        ):
            return super().get_user(validated_token)
        try:
            user_id = User._meta.pk.to_python(validated_token[api_settings.USER_ID_CLAIM])
        except (KeyError, ValidationError):
            return super().get_user(validated_token)  # refused (or failed) as SimpleJWT does
        return User.from_db(DEFAULT_DB_ALIAS, [User._meta.pk.attname], [user_id])


class AccountReadLaterMixin:
    # An APIView whose ``token_only_methods`` authenticate with ``TokenJWTAuthentication`` (in
    # place of ``JWTAuthentication``) and which refuses a closed account's every answer. (Not a
    # docstring: the schema would show it as the operations' description.) The request's
    # authenticators are swapped, not get_authenticators(): the schema, which asks the latter,
    # shows SimpleJWT's bearer token as before.

    token_only_methods = frozenset({"POST"})

    def initialize_request(self, request, *args, **kwargs):
        drf_request = super().initialize_request(request, *args, **kwargs)
        if request.method in self.token_only_methods:
            drf_request.authenticators = [
                TokenJWTAuthentication()
                if type(authenticator) is BearerAuthentication
                else authenticator
                for authenticator in drf_request.authenticators
            ]
        return drf_request

    def finalize_response(self, request, response, *args, **kwargs):
        # Free when the row was read (by the service's lock, or by a full authentication).
        if request.user.is_authenticated and (refusal := closed_account_refusal(request)):
            response = self.handle_exception(refusal)
        return super().finalize_response(request, response, *args, **kwargs)
