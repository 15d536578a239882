"""The signed token of the digest's one-click unsubscribe link: it names the user, needs no
sign-in, does not expire (an old email's link still works) and cannot be forged."""

from django.core import signing

SALT = "insight.digest.unsubscribe"


def unsubscribe_token(user) -> str:
    return signing.dumps(str(user.pk), salt=SALT, compress=True)


def user_id_from(token: str) -> str | None:
    try:
        return signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
