"""Keeping a venue in step with its Foursquare place: link, snapshot, drift, push.

``venue_foursquare_sync`` is the whole job for one venue and is safe to run again at any time:
1. find the place: the stored place id (set by a manager, or by an earlier sync) is trusted;
   otherwise a nearby search by name within the venue's radius, scored by name similarity and
   distance, after Foursquare's place match (name, address, town, postcode, coordinates) where
   the host serves it (it is not in the 2025-06-17 spec; asked once per process where not);
   weak candidates, and places already linked to another venue, are refused and the
   venue is ``unmatched``;
2. fetch the place's details into the venue's ``FoursquarePlace`` snapshot, a cache with the
   lifetime Foursquare's terms allow (venues.foursquare.retention);
3. record the drift (venues.foursquare.drift) and set the status ``linked``;
4. fetch the place's newest tips, kept under the same terms (venues.foursquare.tips); a
   failure here leaves the link standing and says so in the venue's error;
5. push the council's values for drifted fields, and report a deactivated venue closed
   (venues.foursquare.feedback: each value is proposed once, ever);
6. ask Foursquare where the venue's open proposals stand.
Network calls happen outside database transactions. The writes are short and lock the venue
row; they are abandoned if a manager changed the place id while Foursquare was being asked,
and drift is computed from the locked row, so an edit made meanwhile is what gets compared
and proposed. Any Foursquare failure sets the status ``error`` with its message; nothing is
raised for it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from venues.foursquare.client import (
    FoursquareBadRequest,
    FoursquareClient,
    FoursquareEndpointMissing,
    FoursquareError,
    FoursquareNotFound,
    Place,
    PlaceMatch,
)
from venues.foursquare.drift import (
    category_fits,
    comparable_name,
    compute_drift,
    name_similarity,
    split_address,
)
from venues.foursquare.feedback import (
    propose_closure,
    propose_edits,
    refresh_proposals,
    refresh_proposals_quietly,
)
from venues.foursquare.retention import drift_without_their_values, place_details
from venues.foursquare.tips import place_tips_fetch, venue_tips_forget
from venues.geo import geodesic_m
from venues.models import FoursquarePlace, FoursquareProposal, Venue

logger = logging.getLogger(__name__)

Status = Venue.FoursquareStatus
COUNTRY_CODE = "GB"
# In the fallback search, how much a candidate's distance counts against its name similarity...
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
    tips: int | None = None  # how many of the place's tips are kept now


@dataclass(frozen=True)
class _Found:
    place: Place
    linked_by: str
    match_score: float | None = None


class _Unmatched(Exception):
    pass


def venue_foursquare_sync(*, venue_id, client: FoursquareClient | None = None) -> SyncOutcome:
    """Bring one venue in step with Foursquare. Never raises for Foursquare's failures."""
    venue = Venue.objects.select_related("council").get(pk=venue_id)
    place_id_seen = venue.foursquare_place_id
    own_client = client is None
    try:
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
        linked = _record_link(venue, place_id_seen, found)
        if linked is None:
            return _current_outcome(venue.pk)
        outcome = SyncOutcome(
            venue_id=str(venue.pk), status=Status.LINKED, drift=linked.foursquare_drift
        )
        try:
            outcome.tips = place_tips_fetch(
                venue=linked, place_id=found.place.place_id, client=client
            )
        except FoursquareError as exc:
            outcome.error = f"Linked, but fetching its tips failed: {exc}"
            Venue.objects.filter(pk=venue.pk).update(foursquare_error=outcome.error)
        if linked.foursquare_drift and settings.FOURSQUARE_PROPOSE_EDITS:
            try:
                outcome.proposed = propose_edits(
                    venue=linked,
                    place_id=found.place.place_id,
                    drift=linked.foursquare_drift,
                    client=client,
                )
            except FoursquareError as exc:
                outcome.error = f"Linked, but proposing the council's values failed: {exc}"
                Venue.objects.filter(pk=venue.pk).update(foursquare_error=outcome.error)
        refresh_proposals_quietly(client, venue)
        return outcome
    except FoursquareError as exc:
        return _record_failure(venue, place_id_seen, Status.ERROR, str(exc))
    finally:
        if own_client and client is not None:
            client.close()


def venues_foursquare_sync(
    *, venue_ids: Iterable, client: FoursquareClient | None = None
) -> Iterator[SyncOutcome]:
    """Sync each venue in turn, yielding how each went; one venue's failure, whatever it is,
    never stops the rest."""
    for venue_id in venue_ids:
        try:
            yield venue_foursquare_sync(venue_id=venue_id, client=client)
        except Venue.DoesNotExist:
            continue
        except Exception as exc:
            logger.exception("Foursquare sync of venue %s failed unexpectedly", venue_id)
            venue_foursquare_failure_record(venue_id=venue_id)
            yield SyncOutcome(
                venue_id=str(venue_id), status=Status.ERROR, error=f"unexpected failure: {exc!r}"
            )


def venue_foursquare_failure_record(*, venue_id) -> None:
    """Mark a venue whose sync failed for a reason of ours (a bug), so the manager sees it."""
    with transaction.atomic():
        venue = Venue.objects.select_for_update().filter(pk=venue_id).first()
        if venue is None:
            return
        venue.set_foursquare_status(
            Status.ERROR, error="The sync failed unexpectedly; the server log has the details."
        )
        venue.foursquare_synced_at = timezone.now()
        venue.save(update_fields=["foursquare_status", "foursquare_error", "foursquare_synced_at"])


def foursquare_proposals_refresh(*, client: FoursquareClient | None = None) -> int:
    """Ask Foursquare about every proposal it has not decided yet; returns how many changed."""
    own_client = client is None
    client = client or FoursquareClient.from_settings()
    try:
        return refresh_proposals(client, FoursquareProposal.objects.all())
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

    match = _match(venue, client)
    if (
        isinstance(match, PlaceMatch)
        and match.score >= settings.FOURSQUARE_MATCH_MIN_SCORE
        and not _linked_elsewhere(venue, match.place.place_id)
    ):
        # Fetched again by id: the details endpoint is the one that promises every field.
        return _Found(
            client.place(match.place.place_id), FoursquarePlace.LinkedBy.MATCH, match.score
        )

    candidates = client.search(
        query=venue.name,
        latitude=venue.latitude,
        longitude=venue.longitude,
        radius_m=venue.radius_m,
    )
    best = best_candidate(
        venue, [place for place in candidates if not _linked_elsewhere(venue, place.place_id)]
    )
    if best is None:
        raise _Unmatched(_unmatched_reason(venue, match, candidates))
    return _Found(client.place(best.place_id), FoursquarePlace.LinkedBy.SEARCH)


def _match(venue: Venue, client: FoursquareClient) -> PlaceMatch | str | None:
    """Foursquare's place match, or why it could not be asked (the search takes over)."""
    street, town = split_address(venue.address)
    try:
        return client.match(
            name=venue.name,
            address=street,
            city=town or venue.council.name,
            country_code=COUNTRY_CODE,
            postcode=venue.postcode,
            latitude=venue.latitude,
            longitude=venue.longitude,
        )
    except FoursquareEndpointMissing:
        return "Foursquare's place match is not available here"
    except FoursquareBadRequest as exc:
        # A host that has the path but refuses the request: linking does not depend on it.
        logger.warning("Foursquare's place match refused venue %s: %s", venue.pk, exc)
        return "Foursquare's place match is not available (it refused the request)"


def _linked_elsewhere(venue: Venue, place_id: str) -> bool:
    """Two venues on one place would propose conflicting values to it: the first keeps it."""
    return Venue.objects.filter(foursquare_place_id=place_id).exclude(pk=venue.pk).exists()


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


def _unmatched_reason(venue: Venue, match: PlaceMatch | str | None, candidates: list[Place]) -> str:
    if isinstance(match, str):
        said = match
    elif match is None:
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


def _record_link(venue: Venue, place_id_seen: str, found: _Found) -> Venue | None:
    """Store the link, snapshot and drift; returns the venue as stored, or None when a
    manager linked another place meanwhile (their choice wins, and its own sync runs)."""
    place = found.place
    now = timezone.now()
    with transaction.atomic():
        locked = Venue.objects.select_for_update().select_related("council").get(pk=venue.pk)
        if locked.foursquare_place_id != place_id_seen:
            return None
        locked.foursquare_place_id = place.place_id
        locked.set_foursquare_status(Status.LINKED)
        locked.foursquare_synced_at = now
        locked.foursquare_drift = compute_drift(locked, place)
        if settings.FOURSQUARE_DETAILS_MAX_AGE_HOURS <= 0:
            locked.foursquare_drift = drift_without_their_values(locked.foursquare_drift)
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
                **place_details(place),
                "fetched_at": now,
            },
        )
    return locked


def _record_failure(venue: Venue, place_id_seen: str, status: str, message: str) -> SyncOutcome:
    with transaction.atomic():
        locked = Venue.objects.select_for_update().get(pk=venue.pk)
        if locked.foursquare_place_id != place_id_seen:
            return _current_outcome(venue.pk)
        locked.set_foursquare_status(status, error=message)
        locked.foursquare_synced_at = timezone.now()
        if status == Status.UNMATCHED:
            # Nothing is linked: no drift, and no cached listing of a place that is not ours.
            locked.foursquare_drift = []
            FoursquarePlace.objects.filter(venue=locked).delete()
            venue_tips_forget(venue_id=locked.pk)
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


def _sync_inactive(venue: Venue, client: FoursquareClient) -> SyncOutcome:
    """A deactivated venue: say once that its place has closed; nothing else is refreshed."""
    outcome = SyncOutcome(
        venue_id=str(venue.pk), status=venue.foursquare_status, error=venue.foursquare_error
    )
    if not venue.foursquare_place_id or not settings.FOURSQUARE_PROPOSE_EDITS:
        return outcome
    if propose_closure(venue=venue, client=client):
        outcome.proposed = [FoursquareProposal.Field.CLOSED]
    refresh_proposals_quietly(client, venue)
    return outcome
