"""The push side: proposing the council's values to Foursquare (Places Feedback) once each.

Each (place, field, value) becomes one ``FoursquareProposal`` row *before* it is sent: the
row's unique key is the claim, so two syncs racing send it once, and a value Foursquare has
seen (accepted, rejected or still in review) is never sent again. What happens to the claim
when sending fails depends on whether Foursquare may have acted:
- refused for certain (a 4xx, the rate limit, no connection): the claim is dropped, and the
  next sync proposes again;
- maybe acted (a timeout after sending, a 5xx, an answer we could not read): the row stays as
  ``unconfirmed`` and is not sent again; it shows in the council's report;
- the process died mid-send: a ``sending`` row older than SENDING_GIVES_UP_AFTER becomes
  ``unconfirmed`` the same way (refresh_proposals, run nightly).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from venues.foursquare.client import FoursquareClient, FoursquareError, SuggestedEdit
from venues.foursquare.drift import coordinates_text, split_address
from venues.models import FoursquareProposal, Venue

logger = logging.getLogger(__name__)

UNCONFIRMED = "unconfirmed"
# Longer than a task may run (CELERY_TASK_TIME_LIMIT_SECONDS, 30 min by default).
SENDING_GIVES_UP_AFTER = timedelta(hours=1)
STATUS_BATCH = 50  # Foursquare reports at most 50 suggestions per call


def proposals_for_drift(venue: Venue, drift: list[dict]) -> dict[str, dict[str, object]]:
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


def _value_text(field_name: str, params: dict[str, object]) -> str:
    if field_name == "coordinates":
        return coordinates_text(float(params["latitude"]), float(params["longitude"]))
    return " | ".join(str(value) for value in params.values())[:500]


def propose_edits(
    *, venue: Venue, place_id: str, drift: list[dict], client: FoursquareClient
) -> list[str]:
    """Propose each drifted field's council value, once ever; returns the fields sent now."""
    wanted = proposals_for_drift(venue, drift)
    claimed = _claim(
        venue, place_id, {name: _value_text(name, params) for name, params in wanted.items()}
    )
    if not claimed:
        return []
    params: dict[str, object] = {}
    for proposal in claimed:
        params.update(wanted[proposal.field])
    _send(claimed, lambda: client.propose_edit(place_id, params))
    return [proposal.field for proposal in claimed]


def propose_closure(*, venue: Venue, client: FoursquareClient) -> bool:
    """Tell Foursquare the venue's place has closed, once; returns whether it was sent now."""
    claimed = _claim(venue, venue.foursquare_place_id, {FoursquareProposal.Field.CLOSED: "closed"})
    if not claimed:
        return False
    _send(
        claimed,
        lambda: client.propose_removal(
            venue.foursquare_place_id,
            reason="CLOSED",  # the spec's enum is upper case; Foursquare refuses "closed"
            comment=f"{venue.council.name} has closed {venue.name}.",
        ),
    )
    return True


def _claim(venue: Venue, place_id: str, values: dict[str, str]) -> list[FoursquareProposal]:
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
            continue  # proposed before (or by a sync running beside this one)
    return claimed


def _send(claimed: list[FoursquareProposal], call) -> None:
    ids = [proposal.pk for proposal in claimed]
    try:
        edits: list[SuggestedEdit] = call()
    except FoursquareError as exc:
        if exc.maybe_acted:
            FoursquareProposal.objects.filter(pk__in=ids).update(
                status=UNCONFIRMED, checked_at=timezone.now()
            )
        else:
            FoursquareProposal.objects.filter(pk__in=ids).delete()
        raise
    first = edits[0]
    FoursquareProposal.objects.filter(pk__in=ids).update(
        suggestion_id=first.id,
        status=first.status or "submitted",
        checked_at=timezone.now(),
        resolved_at=first.resolved_at,
    )


def refresh_proposals(client: FoursquareClient, proposals) -> int:
    """Ask Foursquare where the open ones among ``proposals`` stand; returns how many changed.
    Claims stuck in ``sending`` (their process died) become ``unconfirmed``."""
    stale = timezone.now() - SENDING_GIVES_UP_AFTER
    changed = proposals.filter(
        status=FoursquareProposal.SENDING, suggestion_id="", created_at__lt=stale
    ).update(status=UNCONFIRMED, checked_at=timezone.now())
    open_ids = list(
        proposals.filter(resolved_at__isnull=True)
        .exclude(suggestion_id="")
        .order_by()
        .values_list("suggestion_id", flat=True)
        .distinct()
    )
    for start in range(0, len(open_ids), STATUS_BATCH):
        for edit in client.suggestion_statuses(open_ids[start : start + STATUS_BATCH]):
            changed += _record_verdict(edit.id, edit.status, edit.resolved_at)
    return changed


def refresh_proposals_quietly(client: FoursquareClient, venue: Venue) -> None:
    """Where a venue's proposals stand is worth asking, not worth failing its sync for: the
    nightly run asks again."""
    try:
        refresh_proposals(client, FoursquareProposal.objects.filter(venue=venue))
    except FoursquareError:
        logger.warning(
            "Could not ask Foursquare about venue %s's proposals", venue.pk, exc_info=True
        )


def _record_verdict(suggestion_id: str, status: str, resolved_at: datetime | None) -> int:
    status = status or "submitted"
    proposals = FoursquareProposal.objects.filter(suggestion_id=suggestion_id)
    changed = proposals.exclude(status=status, resolved_at=resolved_at).count()
    proposals.update(status=status, resolved_at=resolved_at, checked_at=timezone.now())
    return changed
