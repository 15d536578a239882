"""Reading the invitation emails the tests send (Django's local-memory outbox)."""

import re

from django.core import mail

LINK = re.compile(r"https?://[^/\s]+(/invitations/[^/\s]+/)")


def invitation_links_to(email: str) -> list[str]:
    """The paths of the invitation links emailed to ``email``, oldest first."""
    return [
        LINK.search(message.body).group(1)
        for message in mail.outbox
        if message.to == [email] and LINK.search(message.body)
    ]


def last_invitation_link(email: str) -> str:
    links = invitation_links_to(email)
    assert links, f"no invitation was emailed to {email}"
    return links[-1]
