"""Keeping a venue in step with its Foursquare place: link, snapshot, drift, push.

``sync_venue`` is the whole job for one venue and is safe to run again at any time:
1. find the place: the stored place id (set by a manager, or by an earlier sync) is trusted;
   otherwise Foursquare's place match (name, address, town, postcode, coordinates), falling
   back to a nearby search by name within the venue's radius, scored by name similarity and
   distance; weak candidates are refused and the venue is ``unmatched``;
2. fetch the place's details into the venue's ``FoursquarePlace`` snapshot;
3. record the drift (venues.foursquare.drift) and set the status ``linked``;
4. push: propose the council's values for drifted fields (Places Feedback "propose edit"), and
   for a deactivated venue say the place has closed; each (place, field, value) is proposed
   once (FoursquareProposal's unique constraint), whatever Foursquare decided;
5. ask Foursquare where the venue's open proposals stand.
Network calls happen outside database transactions; the writes are short and lock the venue
row, and are abandoned if a manager changed the place id while Foursquare was being asked.
Any Foursquare failure sets the status ``error`` with its message and is not raised.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from venues.foursquare.client import (
    FoursquareClient,
    FoursquareError,
    FoursquareNotFound,
    Place,
    PlaceMatch,
)
from venues.foursquare.drift import (
    category_fits,
    comparable_name,
    compute_drift,
    coordinates_text,
    name_similarity,
    split_address,
)
from venues.geo import geodesic_m
from venues.models import FoursquarePlace, FoursquareProposal, Venue

logger = logging.getLogger(__name__)

Status = Venue.FoursquareStatus
COUNTRY_CODE = "GB"
# In the fallback search, how much a candidate's distance counts against its name similarity.
DISTANCE_WEIGHT = 0.2
# ... and how much a place filed under another kind of venue is trusted less.
OTHER_CATEGORY_DISCOUNT = 0.75


@dataclass
class SyncOutcome:
    venue_id: str
    status: str
    error: str = ""
    drift: list[dict] = field(default_factory=list)
    proposed: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Found:
    place: Place
    linked_by: str
    match_score: float | None = None


class _Unmatched(Exception):
    pass


def sync_venue(venue_id, *, client: FoursquareClient | None = None) -> SyncOutcome:
    """Bring one venue in step with Foursquare. Never raises for Foursquare's failures."""
    venue = Venue.objects.select_related("council").get(pk=venue_id)
    place_id_seen = venue.foursquare_place_id
    try:
        own_client = client is None
        client = client or FoursquareClient.from_settings()
    except FoursquareError as exc:
        return _record_failure(venue, place_id_seen, Status.ERROR, str(exc))
    try:
        if not venue.is_active:
            return _sync_inactive(venue, client)
        try:
            found = _find_place(venue, client)
        except _Unmatched as exc:
            return _record_failure(venue, place_id_seen, Status.UNMATCHED, str(exc))
        drift = compute_drift(venue, found.place)
        if not _record_link(venue, place_id_seen, found, drift):
            return _current_outcome(venue.pk)
        outcome = SyncOutcome(venue_id=str(venue.pk), status=Status.LINKED, drift=drift)
        if drift and settings.FOURSQUARE_PROPOSE_EDITS:
            try:
                outcome.proposed = _propose_edits(venue, found.place, drift, client)
            except FoursquareError as exc:
                outcome.error = f"Linked, but proposing the council's values failed: {exc}"
                Venue.objects.filter(pk=venue.pk).update(foursquare_error=outcome.error)
        _refresh_proposals_quietly(client, venue)
        return outcome
    except FoursquareError as exc:
        return _record_failure(venue, place_id_seen, Status.ERROR, str(exc))
    finally:
        if own_client:
            client.close()


def sync_venues(
    venue_ids: Iterable, *, client: FoursquareClient | None = None
) -> Iterator[SyncOutcome]:
    """Sync each venue in turn, yielding how each went; one venue's failure, whatever it is,
    never stops the rest."""
    for venue_id in venue_ids:
        try:
            yield sync_venue(venue_id, client=client)
        except Venue.DoesNotExist:
            continue
        except Exception as exc:
            logger.exception("Foursquare sync of venue %s failed unexpectedly", venue_id)
            record_unexpected_failure(venue_id)
            yield SyncOutcome(
                venue_id=str(venue_id), status=Status.ERROR, error=f"unexpected failure: {exc!r}"
            )


def record_unexpected_failure(venue_id) -> None:
    Venue.objects.filter(pk=venue_id).update(
        foursquare_status=Status.ERROR,
        foursquare_error="The sync failed unexpectedly; the server log has the details.",
        foursquare_synced_at=timezone.now(),
    )


def venues_to_sync():
    """Every active venue, and deactivated ones still linked (their closure may be unsent)."""
    return Venue.objects.filter(is_active=True) | Venue.objects.filter(is_active=False).exclude(
        foursquare_place_id=""
    )


def refresh_open_proposals(*, client: FoursquareClient | None = None) -> int:
    """Ask Foursquare about every proposal it has not decided yet; returns how many changed."""
    own_client = client is None
    client = client or FoursquareClient.from_settings()
    try:
        return _refresh_proposals(client, FoursquareProposal.objects.all())
    finally:
        if own_client:
            client.close()


# --- Finding the place


def _find_place(venue: Venue, client: FoursquareClient) -> _Found:
    if venue.foursquare_place_id:
        try:
            place = client.place(venue.foursquare_place_id)
        except FoursquareNotFound as exc:
            raise FoursquareNotFound(
                f"Foursquare has no place '{venue.foursquare_place_id}' (any more). Correct the "
                "venue's Foursquare place id, or clear it to match the venue again."
            ) from exc
        previous = FoursquarePlace.objects.filter(
            venue=venue, place_id=venue.foursquare_place_id
        ).first()
        if previous is None:
            return _Found(place, FoursquarePlace.LinkedBy.MANUAL)
        return _Found(place, previous.linked_by, previous.match_score)

    street, town = split_address(venue.address)
    match = client.match(
        name=venue.name,
        address=street,
        city=town or venue.council.name,
        country_code=COUNTRY_CODE,
        postcode=venue.postcode,
        latitude=venue.latitude,
        longitude=venue.longitude,
    )
    if match is not None and match.score >= settings.FOURSQUARE_MATCH_MIN_SCORE:
        return _Found(
            client.place(match.place.place_id), FoursquarePlace.LinkedBy.MATCH, match.score
        )

    candidates = client.search(
        query=venue.name,
        latitude=venue.latitude,
        longitude=venue.longitude,
        radius_m=venue.radius_m,
    )
    best = best_candidate(venue, candidates)
    if best is None:
        raise _Unmatched(_unmatched_reason(venue, match, candidates))
    return _Found(client.place(best.place_id), FoursquarePlace.LinkedBy.SEARCH)


def best_candidate(venue: Venue, candidates: list[Place]) -> Place | None:
    """The nearby place most like the venue: name similarity (discounted when Foursquare files
    the place under another kind of venue: "Marks Gate Cafe" is not the Marks Gate library),
    less a little for distance. Names less similar than FOURSQUARE_MIN_NAME_SIMILARITY, and
    places outside the venue's radius, are refused."""
    scored = []
    for place in candidates:
        similarity = name_similarity(venue.name, place.name, venue.category)
        if category_fits(venue.category, place.categories) is False:
            similarity *= OTHER_CATEGORY_DISCOUNT
        if similarity < settings.FOURSQUARE_MIN_NAME_SIMILARITY:
            continue
        distance = _distance_m(venue, place)
        if distance is None or distance > venue.radius_m:
            continue
        scored.append((similarity - DISTANCE_WEIGHT * distance / venue.radius_m, -distance, place))
    if not scored:
        return None
    return max(scored, key=lambda item: (item[0], item[1]))[2]


def _distance_m(venue: Venue, place: Place) -> float | None:
    if place.latitude is not None and place.longitude is not None:
        return geodesic_m(venue.latitude, venue.longitude, place.latitude, place.longitude)
    return place.distance_m


def _unmatched_reason(venue: Venue, match: PlaceMatch | None, candidates: list[Place]) -> str:
    if match is None:
        said = "Foursquare's place match found nothing"
    else:
        said = (
            f"Foursquare's best match, '{match.place.name}', scored {match.score:.2f} "
            f"(needs {settings.FOURSQUARE_MATCH_MIN_SCORE:.2f})"
        )
    nearby = (
        f"none of the {len(candidates)} places within {venue.radius_m} m is named like "
        f"'{comparable_name(venue.name, venue.category) or venue.name}'"
        if candidates
        else f"no place named like it within {venue.radius_m} m"
    )
    return f"{said}, and {nearby}. Set the Foursquare place id by hand if it is listed."


# --- Writing what was found


def _record_link(venue: Venue, place_id_seen: str, found: _Found, drift: list[dict]) -> bool:
    place = found.place
    now = timezone.now()
    with transaction.atomic():
        locked = Venue.objects.select_for_update().get(pk=venue.pk)
        if locked.foursquare_place_id != place_id_seen:
            # A manager linked another place meanwhile; their choice wins, and its own sync runs.
            return False
        locked.foursquare_place_id = place.place_id
        locked.foursquare_status = Status.LINKED
        locked.foursquare_error = ""
        locked.foursquare_synced_at = now
        locked.foursquare_drift = drift
        locked.save(
            update_fields=[
                "foursquare_place_id",
                "foursquare_status",
                "foursquare_error",
                "foursquare_synced_at",
                "foursquare_drift",
                "updated_at",
            ]
        )
        FoursquarePlace.objects.update_or_create(
            venue=locked,
            defaults={
                "place_id": place.place_id,
                "linked_by": found.linked_by,
                "match_score": found.match_score,
                "name": place.name[:300],
                "categories": place.categories,
                "address": place.address[:300],
                "locality": place.locality[:200],
                "postcode": place.postcode[:16],
                "latitude": place.latitude,
                "longitude": place.longitude,
                "website": place.website[:500],
                "rating": place.rating,
                "popularity": place.popularity,
                "hours": place.hours,
                "tips_count": place.tips_count,
                "date_closed": place.date_closed,
                "fetched_at": now,
            },
        )
    venue.foursquare_place_id = place.place_id
    return True


def _record_failure(venue: Venue, place_id_seen: str, status: str, message: str) -> SyncOutcome:
    with transaction.atomic():
        locked = Venue.objects.select_for_update().get(pk=venue.pk)
        if locked.foursquare_place_id != place_id_seen:
            return _current_outcome(venue.pk)
        locked.foursquare_status = status
        locked.foursquare_error = message
        locked.foursquare_synced_at = timezone.now()
        if status == Status.UNMATCHED:
            locked.foursquare_drift = []
        locked.save(
            update_fields=[
                "foursquare_status",
                "foursquare_error",
                "foursquare_synced_at",
                "foursquare_drift",
                "updated_at",
            ]
        )
    return SyncOutcome(venue_id=str(venue.pk), status=status, error=message)


def _current_outcome(venue_id) -> SyncOutcome:
    venue = Venue.objects.get(pk=venue_id)
    return SyncOutcome(
        venue_id=str(venue.pk),
        status=venue.foursquare_status,
        error=venue.foursquare_error,
        drift=venue.foursquare_drift,
    )


# --- Pushing the council's values


def _proposed_values(venue: Venue, drift: list[dict]) -> dict[str, dict[str, object]]:
    """For each drifted field, the Foursquare parameters that carry the council's value."""
    proposals: dict[str, dict[str, object]] = {}
    for item in drift:
        match item["field"]:
            case "name":
                proposals["name"] = {"name": venue.name}
            case "address":
                street, town = split_address(venue.address)
                proposals["address"] = {"address": street, **({"locality": town} if town else {})}
            case "postcode":
                proposals["postcode"] = {"postcode": venue.postcode}
            case "coordinates":
                proposals["coordinates"] = {
                    "latitude": round(venue.latitude, 6),
                    "longitude": round(venue.longitude, 6),
                }
            case "website":
                proposals["website"] = {"website": venue.website}
    return proposals


def _proposal_value(field_name: str, params: dict[str, object]) -> str:
    if field_name == "coordinates":
        return coordinates_text(float(params["latitude"]), float(params["longitude"]))
    return " | ".join(str(value) for value in params.values())[:500]


def _propose_edits(
    venue: Venue, place: Place, drift: list[dict], client: FoursquareClient
) -> list[str]:
    """Propose each drifted field's council value once; returns the fields proposed now."""
    wanted = _proposed_values(venue, drift)
    claimed = _claim(
        venue,
        place.place_id,
        {name: _proposal_value(name, params) for name, params in wanted.items()},
    )
    if not claimed:
        return []
    params: dict[str, object] = {}
    for proposal in claimed:
        params.update(wanted[proposal.field])
    _send(claimed, lambda: client.propose_edit(place.place_id, params))
    return [proposal.field for proposal in claimed]


def _sync_inactive(venue: Venue, client: FoursquareClient) -> SyncOutcome:
    """A deactivated venue: say once that its place has closed; nothing else is refreshed."""
    outcome = SyncOutcome(
        venue_id=str(venue.pk), status=venue.foursquare_status, error=venue.foursquare_error
    )
    if not venue.foursquare_place_id or not settings.FOURSQUARE_PROPOSE_EDITS:
        return outcome
    claimed = _claim(venue, venue.foursquare_place_id, {FoursquareProposal.Field.CLOSED: "closed"})
    if claimed:
        _send(
            claimed,
            lambda: client.propose_removal(
                venue.foursquare_place_id,
                reason="closed",
                comment=f"{venue.council.name} has closed {venue.name}.",
            ),
        )
        outcome.proposed = [FoursquareProposal.Field.CLOSED]
    _refresh_proposals_quietly(client, venue)
    return outcome


def _claim(venue: Venue, place_id: str, values: dict[str, str]) -> list[FoursquareProposal]:
    """Insert a row per (field, value) not proposed before for this place. The unique
    constraint decides between two syncs racing: only the inserted rows are sent."""
    claimed = []
    for field_name, value in values.items():
        try:
            with transaction.atomic():
                claimed.append(
                    FoursquareProposal.objects.create(
                        venue=venue, place_id=place_id, field=field_name, value=value
                    )
                )
        except IntegrityError:
            continue
    return claimed


def _send(claimed: list[FoursquareProposal], call) -> None:
    """Make the proposal; on failure, forget the claim so that the next sync proposes again
    (the client never repeats a proposal itself, so a failure was not a half-success)."""
    try:
        edits = call()
    except FoursquareError:
        FoursquareProposal.objects.filter(pk__in=[p.pk for p in claimed]).delete()
        raise
    first = edits[0]
    FoursquareProposal.objects.filter(pk__in=[p.pk for p in claimed]).update(
        suggestion_id=first.id,
        status=first.status or "submitted",
        checked_at=timezone.now(),
        resolved_at=first.resolved_at,
    )


def _refresh_proposals_quietly(client: FoursquareClient, venue: Venue) -> None:
    """Where the venue's proposals stand is worth asking, not worth failing a sync for: the
    nightly run asks again."""
    try:
        _refresh_proposals(client, FoursquareProposal.objects.filter(venue=venue))
    except FoursquareError:
        logger.warning(
            "Could not ask Foursquare about venue %s's proposals", venue.pk, exc_info=True
        )


def _refresh_proposals(client: FoursquareClient, proposals) -> int:
    open_ids = list(
        proposals.filter(resolved_at__isnull=True)
        .exclude(suggestion_id="")
        .order_by()
        .values_list("suggestion_id", flat=True)
        .distinct()
    )
    changed = 0
    for start in range(0, len(open_ids), 50):
        for edit in client.suggestion_statuses(open_ids[start : start + 50]):
            changed += _record_status(edit.id, edit.status, edit.resolved_at)
    return changed


def _record_status(suggestion_id: str, status: str, resolved_at: datetime | None) -> int:
    """Store Foursquare's verdict; returns how many proposals it changed."""
    status = status or "submitted"
    proposals = FoursquareProposal.objects.filter(suggestion_id=suggestion_id)
    changed = proposals.exclude(status=status, resolved_at=resolved_at).count()
    proposals.update(status=status, resolved_at=resolved_at, checked_at=timezone.now())
    return changed
