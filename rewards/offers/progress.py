"""How far a resident is from an offer's next reward at one venue, read the way the check-in
decides it (`rewards.offers.earning._rule_pays`), so that "2 more visits" is what the check-in will
find.

Visits are check-ins, which rewards knows nothing of: the checkins app registers the counter
in its ``AppConfig.ready()`` (as it registers its personal data with accounts).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Max
from django.utils import timezone

from rewards.models import Offer, OfferRule, RewardGrant
from venues.models import Venue

# (resident, venue, since) -> (the resident's check-ins at the venue after ``since``, or all of
# them when None; the earliest of those, or None).
VisitCounter = Callable[[object, Venue, datetime | None], tuple[int, datetime | None]]


def _no_visits(resident, venue, since):
    return 0, None


_visits: VisitCounter = _no_visits


def register_visit_counter(counter: VisitCounter) -> None:
    global _visits
    _visits = counter


@dataclass(frozen=True)
class OfferProgress:
    """A resident's standing with one offer at one venue, now.

    ``visits_to_go``: check-ins still needed for the next reward (None when the rule has no
    next reward for them: a first visit made before, or the per-person limit reached).
    ``deadline``: for the frequency rule, when the visits counted so far stop counting.
    """

    visits: int
    visits_to_go: int | None
    times_earned: int
    limit_reached: bool
    deadline: datetime | None = None


def offers_progress(
    *, offers: Iterable[Offer], resident, venue: Venue, at: datetime | None = None
) -> dict:
    """``{offer id: OfferProgress}`` for ``resident`` at ``venue``: one query for their grants,
    and one per distinct window the rules count visits in."""
    offers = list(offers)
    at = at or timezone.now()
    grants = {
        row["offer_id"]: (row["times"], row["last"])
        for row in RewardGrant.objects.filter(resident=resident, offer__in=offers)
        .order_by()
        .values("offer_id")
        .annotate(times=Count("id"), last=Max("created_at"))
    }
    counted: dict = {}

    def visits_since(since):
        if since not in counted:
            counted[since] = _visits(resident, venue, since)
        return counted[since]

    return {
        offer.pk: _progress(offer, grants.get(offer.pk, (0, None)), visits_since, at)
        for offer in offers
    }


def _progress(offer: Offer, grants: tuple, visits_since, at: datetime) -> OfferProgress:
    times, last_grant = grants
    limit_reached = offer.per_user_limit is not None and times >= offer.per_user_limit
    if offer.rule == OfferRule.FREQUENCY:
        since = at - timedelta(days=offer.window_days)
        if last_grant is not None and last_grant > since:
            since = last_grant  # the visits that earned the last reward do not count again
        visits, earliest = visits_since(since)
        deadline = earliest + timedelta(days=offer.window_days) if earliest else None
        to_go = max(offer.every_n - visits, 1)
        return OfferProgress(
            visits, None if limit_reached else to_go, times, limit_reached, deadline
        )
    visits, _ = visits_since(None)
    if limit_reached:
        to_go = None
    elif offer.rule == OfferRule.FIRST_CHECKIN:
        to_go = 1 if visits == 0 else None
    elif offer.rule == OfferRule.NTH_CHECKIN:
        to_go = offer.every_n - visits % offer.every_n
    else:
        to_go = 1
    return OfferProgress(visits, to_go, times, limit_reached)
