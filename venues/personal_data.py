"""What the venues app holds about a person: the roles granted to them, the invitations sent to
their address, and (for staff) the changes they made, in the activity log."""

from venues.activity.models import ActivityEntry
from venues.invitations.models import Invitation
from venues.models import Role


def export_roles(user) -> list[dict]:
    return [
        {
            "council": role.council.slug,
            "venue": str(role.venue_id) if role.venue_id else None,
            "role": role.role,
            "granted_at": role.created_at,
        }
        for role in Role.objects.filter(user=user).select_related("council")
    ]


def export_invitations(user) -> list[dict]:
    return [
        {
            "council": invitation.council.slug,
            "venue": str(invitation.venue_id) if invitation.venue_id else None,
            "role": invitation.role,
            "sent_at": invitation.sent_at,
            "status": invitation.status,
        }
        for invitation in Invitation.objects.filter(email=user.email).select_related("council")
    ]


def export_activity(user) -> list[dict]:
    return [
        {"at": entry.at, "action": entry.action, "summary": entry.summary}
        for entry in ActivityEntry.objects.filter(actor=user).order_by("at")
    ]


def erase_roles(user) -> None:
    """Roles go; so do the invitations sent to the person's address (they hold it). The
    activity log keeps its entries, now pointing at the pseudonymised account: it is the
    council's record of changes made to a public service (the privacy notice says so)."""
    Role.objects.filter(user=user).delete()
    Role.objects.filter(granted_by=user).update(granted_by=None)
    Invitation.objects.filter(email=user.email).delete()
