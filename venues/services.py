"""Changes to councils, venues and roles. Each service is one transaction."""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext, gettext_noop

from accounts.models import User, normalize_email
from backend.errors import INVALID, ApplicationError
from backend.updates import model_update, refuse_unknown_fields
from venues import error_codes
from venues.activity.sentences import Sentence, said
from venues.activity.services import activity_record, changed_fields_text
from venues.foursquare.services import venue_foursquare_follow_up, venue_foursquare_relink
from venues.geocoding import GeocodingFailed, geocode_address
from venues.models import Council, CouncilLanguage, Role, Venue
from venues.validators import normalise_postcode

VENUE_EDITABLE_FIELDS = (
    "name",
    "name_cy",
    "description",
    "description_cy",
    "category",
    "address",
    "postcode",
    "latitude",
    "longitude",
    "radius_m",
    "is_active",
    "opening_hours",
    "website",
    "foursquare_place_id",
)


# What a re-import may change in a venue it already knows by (name, postcode).
VENUE_UPSERT_UPDATABLE_FIELDS = ("category", "address", "latitude", "longitude")


def unique_slug(name: str, taken: set[str], *, max_length: int = 200) -> str:
    """``slugify(name)``, or with ``-2``, ``-3``... appended when already in ``taken``."""
    base = slugify(name)[:max_length] or "venue"
    slug, suffix = base, 2
    while slug in taken:
        slug = f"{base}-{suffix}"
        suffix += 1
    return slug


def council_create(
    *,
    slug: str,
    name: str,
    name_cy: str = "",
    website: str = "",
    language: str = CouncilLanguage.ENGLISH,
    actor: User | None = None,
) -> Council:
    try:
        with transaction.atomic():
            council = Council.objects.create(
                slug=slug, name=name, name_cy=name_cy, website=website, language=language
            )
            activity_record(
                actor=actor,
                action="council.created",
                obj=council,
                summary=said(gettext_noop("%(name)s was created."), name=name),
            )
            return council
    except IntegrityError as exc:
        raise ApplicationError(
            error_codes.COUNCIL_EXISTS,
            gettext("A council with the slug '%(slug)s' already exists.") % {"slug": slug},
        ) from exc


def venue_coordinates_locate(*, address: str, postcode: str) -> tuple[float, float]:
    """Where ``address, postcode`` is, or 400 ``geocoding_failed`` (the API's words)."""
    try:
        found = geocode_address(address=address, postcode=postcode)
    except GeocodingFailed as exc:
        raise ApplicationError(
            error_codes.GEOCODING_FAILED,
            gettext(
                "The address could not be located (%(reason)s); send latitude and longitude "
                "instead."
            )
            % {"reason": exc},
        ) from exc
    return found.latitude, found.longitude


def _venue_exists_error(name: str, postcode: str) -> ApplicationError:
    return ApplicationError(
        error_codes.VENUE_EXISTS,
        gettext("The council already has a venue called '%(name)s' (postcode %(postcode)s).")
        % {"name": name, "postcode": postcode},
    )


def venue_create(
    *,
    council: Council,
    name: str,
    category: str,
    address: str,
    postcode: str,
    name_cy: str = "",
    description: str = "",
    description_cy: str = "",
    latitude: float | None = None,
    longitude: float | None = None,
    radius_m: int = Venue.RADIUS_DEFAULT_M,
    opening_hours: dict | None = None,
    website: str = "",
    is_active: bool = True,
    foursquare_place_id: str = "",
    actor: User | None = None,
) -> Venue:
    """Register a venue; without coordinates its address is geocoded (before the transaction,
    so no database lock waits on the network). A place id given by hand queues its sync."""
    postcode = normalise_postcode(postcode)
    if latitude is None or longitude is None:
        latitude, longitude = venue_coordinates_locate(address=address, postcode=postcode)
    venue = Venue(
        council=council,
        name=name,
        name_cy=name_cy,
        description=description,
        description_cy=description_cy,
        category=category,
        address=address,
        postcode=postcode,
        latitude=latitude,
        longitude=longitude,
        radius_m=radius_m,
        opening_hours=opening_hours or {},
        website=website,
        is_active=is_active,
        foursquare_place_id=foursquare_place_id,
    )
    try:
        with transaction.atomic():
            taken = set(Venue.objects.filter(council=council).values_list("slug", flat=True))
            venue.slug = unique_slug(name, taken)
            # Field rules here; the unique keys are left to the database, which decides races.
            venue.full_clean(validate_unique=False, validate_constraints=False)
            venue.save(force_insert=True)
            venue_foursquare_follow_up(
                venue=venue, changed={"foursquare_place_id"} if foursquare_place_id else set()
            )
            activity_record(
                actor=actor,
                action="venue.created",
                obj=venue,
                summary=said(
                    gettext_noop("%(name)s (%(postcode)s) was registered."),
                    name=venue.name,
                    postcode=venue.postcode,
                ),
            )
    except IntegrityError as exc:
        raise _venue_exists_error(name, postcode) from exc
    return venue


def venue_changes_locate(*, venue: Venue, changes: dict[str, Any]) -> dict[str, Any]:
    """``changes`` to ``venue`` ready to apply: unknown fields refused (400 ``invalid``), the
    postcode normalised, and, when a new address or postcode comes without new coordinates,
    the coordinates it geocodes to, so the geofence follows the correction (else
    ``geocoding_failed``). Talks to the geocoder: call it outside any transaction.

    ``venue`` must hold the stored values (not a form's unsaved edit of them)."""
    refuse_unknown_fields(data=changes, allowed=VENUE_EDITABLE_FIELDS)
    changes = dict(changes)
    if "postcode" in changes:
        changes["postcode"] = normalise_postcode(changes["postcode"])
    moved = any(
        field in changes and changes[field] != getattr(venue, field)
        for field in ("address", "postcode")
    )
    if moved and "latitude" not in changes and "longitude" not in changes:
        changes["latitude"], changes["longitude"] = venue_coordinates_locate(
            address=changes.get("address", venue.address),
            postcode=changes.get("postcode", venue.postcode),
        )
    return changes


def venue_update(*, venue: Venue, changes: dict[str, Any], actor: User | None = None) -> Venue:
    """Apply an edit (a manager's through the API, or the back office's) under the venue's row
    lock, then queue the Foursquare sync it calls for once it commits; see
    `venue_changes_locate` for what is refused and when the venue moves."""
    changes = venue_changes_locate(venue=venue, changes=changes)
    try:
        with transaction.atomic():
            locked = Venue.objects.select_for_update().get(pk=venue.pk)
            _, changed = model_update(instance=locked, fields=VENUE_EDITABLE_FIELDS, data=changes)
            if "foursquare_place_id" in changed:
                venue_foursquare_relink(venue=locked)
            venue_foursquare_follow_up(venue=locked, changed=changed)
            if changed:
                activity_record(
                    actor=actor,
                    action="venue.changed",
                    obj=locked,
                    summary=said(
                        gettext_noop("%(name)s: changed %(fields)s."),
                        name=locked.name,
                        fields=changed_fields_text(changed),
                    ),
                )
    except IntegrityError as exc:
        raise _venue_exists_error(
            changes.get("name", venue.name), changes.get("postcode", venue.postcode)
        ) from exc
    return Venue.objects.select_related("council").get(pk=venue.pk)


def venue_deactivate(*, venue: Venue, actor: User | None = None) -> Venue:
    """Take a venue out of service. Nothing is deleted: its check-ins and history stay. A venue
    linked to Foursquare is then reported closed there (by the sync, in the background)."""
    with transaction.atomic():
        Venue.objects.filter(pk=venue.pk).update(is_active=False)
        venue.is_active = False
        venue_foursquare_follow_up(venue=venue, changed={"is_active"})
        activity_record(
            actor=actor,
            action="venue.deactivated",
            obj=venue,
            summary=said(gettext_noop("%(name)s was deactivated."), name=venue.name),
        )
    return venue


@dataclass
class VenuesUpserted:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    # Position in the rows given -> why that row was left out.
    invalid: dict[int, str] = field(default_factory=dict)


def venues_upsert(
    *,
    council: Council,
    rows: Sequence[Mapping[str, Any]],
    updatable: Iterable[str] = VENUE_UPSERT_UPDATABLE_FIELDS,
) -> VenuesUpserted:
    """Create or update many of ``council``'s venues at once (the CSV import), with the rules
    of `venue_create` and `venue_update`: each row is keyed by (name, postcode), the postcode
    normalised; a known key has its ``updatable`` fields updated, a new one is created with a
    unique slug; every new or changed venue is validated (``full_clean``), and one that fails
    is left out and reported by its position in ``rows``; a linked venue whose compared fields
    changed has its Foursquare sync queued once the import commits.

    Rows carry coordinates (geocode first: this runs in one transaction, in bulk queries, so
    thousands of rows cost a handful of queries).
    """
    updatable = tuple(updatable)
    refuse_unknown_fields(data=dict.fromkeys(updatable), allowed=VENUE_EDITABLE_FIELDS)
    result = VenuesUpserted()
    now = timezone.now()
    with transaction.atomic():
        existing = {
            (venue.name, venue.postcode): venue
            for venue in Venue.objects.select_for_update().filter(council=council)
        }
        taken_slugs = {venue.slug for venue in existing.values()}
        to_create, to_update, follow_ups = [], [], []
        for position, row in enumerate(rows):
            data = {**row, "postcode": normalise_postcode(row["postcode"])}
            venue = existing.get((data["name"], data["postcode"]))
            if venue is None:
                venue, changed = Venue(council=council, **data), set(data)
            else:
                changed = {name for name in updatable if getattr(venue, name) != data[name]}
                if not changed:
                    result.unchanged += 1
                    continue
                for name in changed:
                    setattr(venue, name, data[name])
            try:
                # The council is known to exist; the unique keys are the database's to decide.
                venue.full_clean(
                    exclude=["council", "slug"], validate_unique=False, validate_constraints=False
                )
            except ValidationError as exc:
                result.invalid[position] = "; ".join(
                    f"{name}: {' '.join(messages)}" for name, messages in exc.message_dict.items()
                )
                continue
            if venue._state.adding:
                venue.slug = unique_slug(venue.name, taken_slugs)
                taken_slugs.add(venue.slug)
                to_create.append(venue)
            else:
                venue.updated_at = now  # bulk_update() does not apply auto_now
                to_update.append(venue)
                follow_ups.append((venue, changed))
        Venue.objects.bulk_create(to_create, batch_size=1000)
        Venue.objects.bulk_update(to_update, [*updatable, "updated_at"], batch_size=1000)
        for venue, changed in follow_ups:
            venue_foursquare_follow_up(venue=venue, changed=changed)
    result.created, result.updated = len(to_create), len(to_update)
    return result


def role_target_check(*, council: Council, role: str, venue: Venue | None) -> None:
    """Refuse (400 ``invalid``, on the field) a role that does not fit where it is given: a
    council admin covers the whole council (no venue); a venue role needs a venue of it."""
    if role == Role.Kind.COUNCIL_ADMIN and venue is not None:
        raise ApplicationError(
            INVALID,
            gettext("A council admin role covers the whole council; send no venue."),
            fields={"venue": ["Must be empty for council_admin."]},
        )
    if role in Role.VENUE_KINDS:
        if venue is None:
            raise ApplicationError(
                INVALID,
                gettext("A venue role needs a venue."),
                fields={"venue": ["This field is required."]},
            )
        if venue.council_id != council.id:
            raise ApplicationError(
                INVALID,
                gettext("The venue belongs to another council."),
                fields={"venue": ["Not a venue of this council."]},
            )


def role_grant(
    *, council: Council, email: str, role: str, venue: Venue | None, granted_by: User | None
) -> Role:
    """Give an existing account a role in ``council`` (on ``venue`` for the venue roles)."""
    user = User.objects.filter(email=normalize_email(email), is_active=True).first()
    if user is None:
        raise ApplicationError(
            error_codes.UNKNOWN_USER,
            gettext("No account has this email; the person must register first."),
            fields={"email": ["No account has this email."]},
        )
    role_target_check(council=council, role=role, venue=venue)
    try:
        with transaction.atomic():
            granted = Role.objects.create(
                user=user, council=council, venue=venue, role=role, granted_by=granted_by
            )
            _sync_back_office_access(user)
            activity_record(
                actor=granted_by,
                action="role.granted",
                obj=granted,
                summary=said(
                    gettext_noop("%(email)s became %(role)s."),
                    email=user.email,
                    role=_role_said(granted),
                ),
            )
    except IntegrityError as exc:
        raise ApplicationError(
            error_codes.ROLE_EXISTS, gettext("The account already has this role.")
        ) from exc
    return granted


def role_revoke(*, role: Role, actor: User | None = None) -> None:
    with transaction.atomic():
        activity_record(
            actor=actor,
            action="role.revoked",
            obj=role,
            summary=said(
                gettext_noop("%(email)s is no longer %(role)s."),
                email=role.user.email,
                role=_role_said(role),
            ),
        )
        role.delete()
        _sync_back_office_access(role.user)


# A role's kind in the activity log's sentences (the catalogue has their Welsh).
ROLE_KIND_WORDS: dict[str, str] = {
    Role.Kind.COUNCIL_ADMIN: gettext_noop("council admin"),
    Role.Kind.VENUE_MANAGER: gettext_noop("venue manager"),
    Role.Kind.VENUE_STAFF: gettext_noop("venue staff"),
}


def _role_said(role: Role) -> Sentence:
    """ "venue staff of Leeds Central Library", "council admin of Leeds"."""
    return said(
        gettext_noop("%(role)s of %(place)s"),
        role=said(ROLE_KIND_WORDS[role.role]),
        place=role.venue.name if role.venue is not None else role.council.name,
    )


def _sync_back_office_access(user: User) -> None:
    """Council admins and venue managers work in the admin too: ``is_staff`` follows them."""
    if user.is_superuser:
        return
    is_staff = Role.objects.filter(
        user=user, role__in=(Role.Kind.COUNCIL_ADMIN, Role.Kind.VENUE_MANAGER)
    ).exists()
    if user.is_staff != is_staff:
        User.objects.filter(pk=user.pk).update(is_staff=is_staff)
        user.is_staff = is_staff
