"""Who may do what: the one answer to "may this person do X to Y".

The API's scoped views, the back office's querysets and forms, the desk, insight, invitations
and the staff pages all ask this module; none reads ``Role`` rows to decide on its own.

**Levels.** A person's level somewhere is the highest of their roles that covers it:

| level | where it holds |
|---|---|
| ``SUPERUSER`` | everywhere, the site itself included (new councils) |
| ``COUNCIL_ADMIN`` | the council (council-wide things) and every venue of it |
| ``VENUE_MANAGER`` | one venue |
| ``VENUE_STAFF`` | one venue |
| ``NOBODY`` | anywhere else; a resident holds nothing of a council or venue |

So a venue's manager has no level on the council's own things (a council-wide offer, the
council's insight), and staff of one venue have none at another.

**Where a thing lives** (`scope_of`): a council is its own scope; a venue is (its council, it);
anything else by its ``venue_id`` and ``council_id`` (an offer, a catalog item or a voucher with
no venue is council-wide; a poster, comment or check-in has a venue, whose council is read from
``obj.venue``, so load it with ``select_related``). ``None`` is the site (only superusers).

**Permissions** are ``"<object>.<action>"`` strings in `RULES`; each names a rule:
`AtLeast(level)` (the level the person holds where the target lives), `OwnerOf(field)` (the
target's ``field`` is the person: a comment's author, a voucher's holder) or `AsGranting()`
(what may be done to a role or an invitation is what granting that role there needs). For a
thing not made yet, the target is where it would live: ``may(user, "offer.create", venue)``.

**Extending it.** A new object or action is a line in `RULES` (and the table-driven test,
tests/venues/test_access.py, walks it for every role). A new kind of role is a row of
``LEVEL_OF_ROLE`` when it ranks with the others; one that does not (the parent of a child acts
for that child only) is an `OwnerOf` rule on the child: ``"child.act_for": OwnerOf("parent_id")``.

**Cost.** `access_for(user)` reads the person's roles in one query; `request_access(request)`
keeps that for the rest of the request (the back office asks many times per page). Services
without a request call `may`, which reads them afresh.
"""

from __future__ import annotations

import enum
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import get_language

from backend.welsh import in_language
from venues.models import Council, Role, Venue


class Level(enum.IntEnum):
    NOBODY = 0
    VENUE_STAFF = 1
    VENUE_MANAGER = 2
    COUNCIL_ADMIN = 3
    SUPERUSER = 4


LEVEL_OF_ROLE: Mapping[str, Level] = {
    Role.Kind.VENUE_STAFF: Level.VENUE_STAFF,
    Role.Kind.VENUE_MANAGER: Level.VENUE_MANAGER,
    Role.Kind.COUNCIL_ADMIN: Level.COUNCIL_ADMIN,
}


@dataclass(frozen=True)
class Scope:
    """Where something lives: a council (``venue_id`` None: council-wide), one of its venues,
    or the site itself (both None)."""

    council_id: uuid.UUID | None = None
    venue_id: uuid.UUID | None = None

    @classmethod
    def of_council(cls, council: Council) -> Scope:
        return cls(council.pk, None)

    @classmethod
    def of_venue(cls, venue: Venue) -> Scope:
        return cls(venue.council_id, venue.pk)


SITE = Scope()


def scope_of(target: Any) -> Scope:
    """Where ``target`` lives (see the module's docstring)."""
    if target is None:
        return SITE
    if isinstance(target, Scope):
        return target
    if isinstance(target, Council):
        return Scope.of_council(target)
    if isinstance(target, Venue):
        return Scope.of_venue(target)
    venue_id = getattr(target, "venue_id", None)
    council_id = getattr(target, "council_id", None)
    if council_id is None and venue_id is not None:
        council_id = target.venue.council_id
    if council_id is None:
        raise TypeError(f"{type(target).__name__} has no council or venue to be scoped by")
    return Scope(council_id, venue_id)


# --- Rules ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class AtLeast:
    """The person holds at least ``level`` where the target lives."""

    level: Level

    def allows(self, access: Access, target: Any) -> bool:
        return access.level_at(scope_of(target)) >= self.level


@dataclass(frozen=True)
class OwnerOf:
    """The target's ``field`` (a user id) is the person: a comment's author, a voucher's
    holder; a child's parent when children come (issue 25)."""

    field: str

    def allows(self, access: Access, target: Any) -> bool:
        return access.user_id is not None and getattr(target, self.field, None) == access.user_id


@dataclass(frozen=True)
class AsGranting:
    """What may be done to a role or an invitation (see it, end it, cancel it, send it again)
    is what granting that role where it lives needs: a manager handles their venue's staff,
    a council admin every role of their council."""

    def allows(self, access: Access, target: Any) -> bool:
        return access.may(grant_permission(target.role), scope_of(target))


STAFF, MANAGER, ADMIN = Level.VENUE_STAFF, Level.VENUE_MANAGER, Level.COUNCIL_ADMIN

RULES: Mapping[str, AtLeast | OwnerOf | AsGranting] = {
    # The site: councils are made by superusers (then their admins are invited).
    "council.create": AtLeast(Level.SUPERUSER),
    "council.change": AtLeast(Level.SUPERUSER),
    # A council as a whole: its insight (dashboard, stats, reputation, the Foursquare report),
    # its activity log, who holds its roles, and anything else done to it as a whole.
    "council.view_insight": AtLeast(ADMIN),
    "council.view_activity": AtLeast(ADMIN),
    "council.view_members": AtLeast(ADMIN),
    "council.administer": AtLeast(ADMIN),
    # Venues: registered (one by one or from CSV) and reactivated by the council's admins,
    # run by their managers.
    "venue.create": AtLeast(ADMIN),  # target: the council
    "venue.activate": AtLeast(ADMIN),
    "venue.change": AtLeast(MANAGER),
    "venue.deactivate": AtLeast(MANAGER),
    "venue.view_insight": AtLeast(MANAGER),  # stats, its check-ins, the venue's dashboard
    "venue.sync_foursquare": AtLeast(MANAGER),
    "venue.serve": AtLeast(STAFF),  # work at its desk
    # Offers and catalog items: a venue's by its managers, a council-wide one (target: the
    # council) by the council's admins.
    "offer.create": AtLeast(MANAGER),
    "offer.view": AtLeast(MANAGER),
    "offer.change": AtLeast(MANAGER),
    "catalogitem.create": AtLeast(MANAGER),
    "catalogitem.view": AtLeast(MANAGER),
    "catalogitem.change": AtLeast(MANAGER),
    # Posters: made, printed and revoked by the venue's managers.
    "poster.create": AtLeast(MANAGER),  # target: the venue
    "poster.view": AtLeast(MANAGER),
    "poster.revoke": AtLeast(MANAGER),
    # Comments: moderated by the venue's managers, deleted by their author.
    "comment.moderate": AtLeast(MANAGER),
    "comment.reply": AtLeast(MANAGER),  # the official reply: its venue's managers, its admins
    "comment.delete": OwnerOf("author_id"),
    # Check-ins: read (and voided) by the venue's managers.
    "checkin.view": AtLeast(MANAGER),
    "checkin.void": AtLeast(MANAGER),
    # Fraud alerts: a venue's by its managers, the whole council's (target: the council) by its
    # admins; resolved by the same people.
    "alert.view": AtLeast(MANAGER),
    "alert.resolve": AtLeast(MANAGER),
    # Vouchers: redeemed by staff where they are valid (target: the venue where it is redeemed,
    # or the council for its admins redeeming a council-wide one); their QR is the holder's.
    "voucher.redeem": AtLeast(STAFF),
    # Undoing someone else's redemption (target: the venue where it was redeemed, or the
    # council); the person who redeemed it may always undo their own within the window.
    "voucher.undo_redeem": AtLeast(MANAGER),
    "voucher.view": AtLeast(MANAGER),
    "voucher.view_qr": OwnerOf("resident_id"),
    # Roles and invitations to them: council admins any role of their council, managers the
    # staff of their venue. Target of a grant: the council (admins) or the venue.
    "role.grant_council_admin": AtLeast(ADMIN),
    "role.grant_venue_manager": AtLeast(ADMIN),
    "role.grant_venue_staff": AtLeast(MANAGER),
    "role.view": AsGranting(),
    "role.revoke": AsGranting(),
    "invitation.create": AsGranting(),  # target: an unsaved Invitation (its role and scope)
    "invitation.view": AsGranting(),
    "invitation.cancel": AsGranting(),
    "invitation.resend": AsGranting(),
}


def grant_permission(role: str) -> str:
    """The permission that granting ``role`` needs (a ``Role.Kind`` value)."""
    return f"role.grant_{role}"


# --- A person's access -------------------------------------------------------------------


@dataclass(frozen=True)
class HeldRole:
    """A role the person holds, with the names the staff pages show (read in the same query)."""

    kind: str
    council_id: uuid.UUID
    council_slug: str
    council_name: str
    venue_id: uuid.UUID | None
    venue_name: str | None
    council_name_cy: str = ""
    venue_name_cy: str | None = None

    @property
    def shown_council_name(self) -> str:
        return in_language(get_language(), self.council_name, self.council_name_cy)

    @property
    def shown_venue_name(self) -> str | None:
        return in_language(get_language(), self.venue_name or "", self.venue_name_cy or "") or None


@dataclass(frozen=True)
class Access:
    """One person's roles, read once, and the answers that follow from them (no more
    queries, except the querysets it builds)."""

    user_id: uuid.UUID | None
    is_superuser: bool
    # (council_id, venue_id) -> level, for each role held; venue_id None for a council admin.
    levels: Mapping[tuple[uuid.UUID, uuid.UUID | None], Level]
    held: tuple[HeldRole, ...] = ()

    def level_at(self, scope: Scope) -> Level:
        if self.is_superuser:
            return Level.SUPERUSER
        if scope.council_id is None:
            return Level.NOBODY
        level = self.levels.get((scope.council_id, None), Level.NOBODY)
        if scope.venue_id is not None:
            level = max(level, self.levels.get((scope.council_id, scope.venue_id), Level.NOBODY))
        return level

    def level_at_council(self, council: Council) -> Level:
        return self.level_at(Scope.of_council(council))

    def may(self, permission: str, target: Any = None) -> bool:
        """Whether this person may do ``permission`` to ``target`` (an object, the Council
        or Venue a new thing would belong to, a `Scope`, or None for the site)."""
        try:
            rule = RULES[permission]
        except KeyError:
            raise ValueError(f"unknown permission {permission!r}: add it to RULES") from None
        return rule.allows(self, target)

    # What the pages list and the back office filters by.

    @property
    def is_signed_in(self) -> bool:
        return self.user_id is not None

    def council_ids(self, at_least: Level = ADMIN) -> frozenset:
        """Councils where the person holds ``at_least`` over the whole council (superusers: use
        `councils`, which means every council)."""
        return frozenset(
            council
            for (council, venue), level in self.levels.items()
            if venue is None and level >= at_least
        )

    def venue_ids(self, at_least: Level) -> frozenset:
        """Venues the person holds ``at_least`` at through a venue role (the venues of their
        councils come through `council_ids`)."""
        return frozenset(
            venue
            for (_, venue), level in self.levels.items()
            if venue is not None and level >= at_least
        )

    def councils(self, at_least: Level = ADMIN) -> QuerySet[Council]:
        if self.is_superuser:
            return Council.objects.all()
        return Council.objects.filter(pk__in=self.council_ids(at_least))

    def venues(self, at_least: Level) -> QuerySet[Venue]:
        """Venues where the person holds ``at_least``."""
        if self.is_superuser:
            return Venue.objects.all()
        return Venue.objects.filter(
            self.scope_filter(at_least, venue_path="pk", council_path="council")
        )

    def scope_filter(
        self, at_least: Level, *, venue_path: str | None, council_path: str | None
    ) -> Q:
        """A filter on rows that live where the person holds ``at_least``: ``venue_path`` and
        ``council_path`` are ORM lookups from the row to its venue and its council (None when
        it has none). Superusers: no filter."""
        if self.is_superuser:
            return Q()
        condition = Q(pk__in=[])
        if council_path:
            condition |= Q(**{f"{council_path}__in": self.council_ids(at_least)})
        if venue_path:
            condition |= Q(**{f"{venue_path}__in": self.venue_ids(at_least)})
        return condition

    @property
    def may_use_back_office(self) -> bool:
        """Council admins, venue managers and superusers work in the back office."""
        return self.is_superuser or any(level >= MANAGER for level in self.levels.values())

    @property
    def may_use_desk(self) -> bool:
        return any(level >= STAFF for level in self.levels.values())

    @property
    def is_desk_staff_only(self) -> bool:
        return not self.may_use_back_office and self.may_use_desk


NO_ACCESS = Access(user_id=None, is_superuser=False, levels={})


def access_for(user) -> Access:
    """``user``'s access, read now (one query; none for an anonymous or closed account)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return NO_ACCESS
    held = tuple(
        HeldRole(*row)
        for row in Role.objects.filter(user=user)
        .order_by("council__name", "venue__name")
        .values_list(
            "role",
            "council_id",
            "council__slug",
            "council__name",
            "venue_id",
            "venue__name",
            "council__name_cy",
            "venue__name_cy",
        )
    )
    levels: dict = {}
    for role in held:
        key = (role.council_id, role.venue_id)
        levels[key] = max(levels.get(key, Level.NOBODY), LEVEL_OF_ROLE[role.kind])
    return Access(user_id=user.pk, is_superuser=user.is_superuser, levels=levels, held=held)


def request_access(request) -> Access:
    """The caller's access, read once per request and kept on it."""
    cached = getattr(request, "_access", None)
    if cached is None or cached.user_id != getattr(request.user, "pk", None):
        cached = access_for(request.user)
        request._access = cached
    return cached


def may(user, permission: str, target: Any = None) -> bool:
    """``access_for(user).may(permission, target)``: for services and one-off checks."""
    return access_for(user).may(permission, target)
