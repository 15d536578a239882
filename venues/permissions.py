"""The names this project asked before `venues.access` answered "who may do what", kept as thin
wrappers for branches written against them. New code asks `venues.access` (``may``,
``request_access``); nothing in this repository imports these any more, and they go once no
branch in flight does."""

import enum

from venues.access import Level, Scope, access_for
from venues.models import Council, Venue


class VenueAccess(enum.IntEnum):
    STAFF = Level.VENUE_STAFF
    MANAGE = Level.VENUE_MANAGER
    ADMINISTER = Level.COUNCIL_ADMIN


def is_council_admin(user, council: Council) -> bool:
    return access_for(user).level_at(Scope.of_council(council)) >= Level.COUNCIL_ADMIN


def venue_access(user, venue: Venue) -> VenueAccess | None:
    level = min(access_for(user).level_at(Scope.of_venue(venue)), Level.COUNCIL_ADMIN)
    return VenueAccess(level) if level else None


def has_venue_access(user, venue: Venue, needed: VenueAccess) -> bool:
    return access_for(user).level_at(Scope.of_venue(venue)) >= needed


def may_manage(user, *, council: Council | None = None, venue: Venue | None = None) -> bool:
    if venue is None and council is None:
        raise TypeError("may_manage needs a council or a venue")
    return access_for(user).may("offer.change", venue if venue is not None else council)
