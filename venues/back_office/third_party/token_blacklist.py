"""What the back office adds to SimpleJWT's token blacklist admins (see the package's
docstring)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from venues.back_office.third_party import when


class OutstandingTokenAdmin:
    """SimpleJWT's, its columns and fields named in the reader's language (the package leaves
    its fields' names unmarked)."""

    list_display = ("token_jti", "token_user", "token_created_at", "token_expires_at")
    fields = ("token_user", "token_jti", "token_text", "token_created_at", "token_expires_at")

    def get_readonly_fields(self, *args, **kwargs):
        return self.fields

    @admin.display(description=_("jti"), ordering="jti")
    def token_jti(self, token):
        return token.jti

    @admin.display(description=_("user"), ordering="user")
    def token_user(self, token):
        return token.user

    @admin.display(description=_("token"))
    def token_text(self, token):
        return token.token

    @admin.display(description=_("created at"), ordering="created_at")
    def token_created_at(self, token):
        return when(token.created_at)

    @admin.display(description=_("expires at"), ordering="expires_at")
    def token_expires_at(self, token):
        return when(token.expires_at)


class BlacklistedTokenAdmin:
    """SimpleJWT's, with the one column it leaves unnamed (``blacklisted_at``) named."""

    list_display = (
        "token_jti",
        "token_user",
        "token_created_at",
        "token_expires_at",
        "token_blacklisted_at",
    )

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["labels"] = {"token": _("token")}
        return super().get_form(request, obj, change=change, **kwargs)

    @admin.display(description=_("blacklisted at"), ordering="blacklisted_at")
    def token_blacklisted_at(self, blacklisted):
        return when(blacklisted.blacklisted_at)
