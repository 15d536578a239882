"""Who may do what to a council or a venue.

Roles nest: a site superuser may do everything; a council's ``council_admin`` everything to the
council and its venues; a venue's ``venue_manager`` manages that venue (offers, posters,
moderation, stats, its details); its ``venue_staff`` only serve it (redeem vouchers).
"""

import enum

from django.db.models import Q

from venues.models import Council, Role, Venue


class VenueAccess(enum.IntEnum):
    STAFF = 1
    MANAGE = 2
    ADMINISTER = 3  # the council's admins only


_ACCESS_BY_ROLE = {
    Role.Kind.VENUE_STAFF: VenueAccess.STAFF,
    Role.Kind.VENUE_MANAGER: VenueAccess.MANAGE,
    Role.Kind.COUNCIL_ADMIN: VenueAccess.ADMINISTER,
}


def is_council_admin(user, council: Council) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return Role.objects.filter(
        user=user, council=council, role=Role.Kind.COUNCIL_ADMIN, venue__isnull=True
    ).exists()


def venue_access(user, venue: Venue) -> VenueAccess | None:
    """The highest access ``user`` has to ``venue``, or None; one query."""
    if not user.is_authenticated:
        return None
    if user.is_superuser:
        return VenueAccess.ADMINISTER
    roles = Role.objects.filter(
        Q(council_id=venue.council_id, venue__isnull=True, role=Role.Kind.COUNCIL_ADMIN)
        | Q(venue=venue),
        user=user,
    ).values_list("role", flat=True)
    return max((_ACCESS_BY_ROLE[role] for role in roles), default=None)


def has_venue_access(user, venue: Venue, needed: VenueAccess) -> bool:
    access = venue_access(user, venue)
    return access is not None and access >= needed


def may_manage(user, *, council: Council | None = None, venue: Venue | None = None) -> bool:
    """The one rule for managing something that belongs to a venue or to a whole council (offers,
    catalog items, posters, vouchers): a venue's thing needs its managers (or the council's
    admins, or a superuser); a council-wide thing (``venue`` None) needs the council's admins.
    """
    if venue is not None:
        return has_venue_access(user, venue, VenueAccess.MANAGE)
    if council is None:
        raise TypeError("may_manage needs a council or a venue")
    return is_council_admin(user, council)
