"""What the venues app holds about a person: the roles granted to them."""

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


def erase_roles(user) -> None:
    Role.objects.filter(user=user).delete()
    Role.objects.filter(granted_by=user).update(granted_by=None)
