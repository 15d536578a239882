"""The invitation link's token: the invitation's id and its current nonce, signed with the
site's key (Django's ``signing``, an HMAC).

Signed so a forged or mangled link is refused before any lookup; the nonce is what makes it
single-use and replaceable: "send again" draws a new one (the old email's link stops working),
and the invitation's own state (accepted, cancelled, past its expiry) is checked on every use.
The expiry lives on the row, not in the token, so sending again extends it.
"""

from django.core import signing

SALT = "venues.invitations.link"


def invitation_token(invitation) -> str:
    return signing.dumps([str(invitation.pk), invitation.nonce], salt=SALT, compress=False)


def invitation_token_read(token: str) -> tuple[str, str] | None:
    """``(invitation id, nonce)`` from a token this site signed, else None."""
    try:
        value = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    if (
        not isinstance(value, list)
        or len(value) != 2
        or not all(isinstance(part, str) for part in value)
    ):
        return None
    return value[0], value[1]
