"""Reading invitations: the open ones a person may see, and the one a link names."""

from django.db.models import QuerySet
from django.utils import timezone

from venues.access import Access, Level
from venues.invitations.models import Invitation
from venues.invitations.tokens import invitation_token_read
from venues.models import Council


def invitations_pending(*, council: Council, access: Access) -> QuerySet[Invitation]:
    """``council``'s invitations not yet accepted, cancelled or lapsed, newest first: all of
    them for its admins, those to their venues for its managers."""
    invitations = Invitation.objects.filter(
        council=council,
        accepted_at__isnull=True,
        cancelled_at__isnull=True,
        expires_at__gt=timezone.now(),
    ).select_related("venue", "invited_by")
    if access.level_at_council(council) < Level.COUNCIL_ADMIN:
        invitations = invitations.filter(venue__in=access.venue_ids(Level.VENUE_MANAGER))
    return invitations.order_by("-sent_at", "id")


def invitation_from_link(token: str) -> tuple[Invitation, str] | None:
    """The invitation a link's token names and the link's nonce, or None for a token this
    site did not sign or an invitation that no longer exists. Whether the link still works is
    the accepting service's question (`invitation_accept`)."""
    read = invitation_token_read(token)
    if read is None:
        return None
    invitation_id, nonce = read
    invitation = (
        Invitation.objects.select_related("council", "venue", "invited_by")
        .filter(pk=invitation_id)
        .first()
    )
    return (invitation, nonce) if invitation is not None else None
