"""What Foursquare users say about a venue's place: its newest tips, fetched by each sync and
kept as a cache under the same terms as the place's details (venues.foursquare.retention).

Get Place Tips (``GET /places/{fsq_place_id}/tips``, 2025-06-17) answers a JSON array; the sync
asks for the spec's named ``fields`` (``fsq_tip_id``, ``created_at``, ``text``, ``lang``,
``url``, ``agree_count``, ``disagree_count``), newest first, ``FOURSQUARE_TIPS_LIMIT`` of them.
Each sync replaces the venue's tips with what it fetched (a tip Foursquare no longer lists
goes); they are deleted with the details once older than ``FOURSQUARE_DETAILS_MAX_AGE_HOURS``,
or never stored when that is 0, and readers never show an older one (`tips_current`).
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from venues.foursquare.client import FoursquareClient, Tip
from venues.models import FoursquareTip, Venue


def tips_may_be_kept() -> bool:
    return settings.FOURSQUARE_TIPS_LIMIT > 0 and settings.FOURSQUARE_DETAILS_MAX_AGE_HOURS > 0


def place_tips_fetch(*, venue: Venue, place_id: str, client: FoursquareClient) -> int | None:
    """Fetch the place's newest tips and store them as the venue's (outside any transaction:
    the call to Foursquare comes first). Returns how many are kept, or None when the venue was
    linked to another place meanwhile (its own sync will fetch that one's). Foursquare's
    failures are raised, as the client's typed errors."""
    if not tips_may_be_kept():
        venue_tips_forget(venue_id=venue.pk)
        return 0
    tips = client.tips(place_id, limit=settings.FOURSQUARE_TIPS_LIMIT)
    return place_tips_record(venue_id=venue.pk, place_id=place_id, tips=tips)


def place_tips_record(*, venue_id, place_id: str, tips: list[Tip]) -> int | None:
    """Make ``tips`` the venue's tips: each kept under its Foursquare id (so a tip keeps its
    row from one sync to the next), and the others deleted. Abandoned (None) when the venue is
    no longer linked to ``place_id``."""
    now = timezone.now()
    with transaction.atomic():
        venue = Venue.objects.select_for_update().filter(pk=venue_id).first()
        if venue is None or venue.foursquare_place_id != place_id:
            return None
        rows = {
            tip.tip_id: FoursquareTip(
                venue=venue,
                place_id=place_id,
                tip_id=tip.tip_id,
                text=tip.text,
                lang=tip.lang,
                url=tip.url,
                agree_count=tip.agree_count,
                disagree_count=tip.disagree_count,
                created_at=tip.created_at,
                fetched_at=now,
            )
            for tip in tips
        }
        FoursquareTip.objects.filter(venue=venue).exclude(
            place_id=place_id, tip_id__in=list(rows)
        ).delete()
        FoursquareTip.objects.bulk_create(
            rows.values(),
            update_conflicts=True,
            unique_fields=["venue", "tip_id"],
            update_fields=[
                "place_id",
                "text",
                "lang",
                "url",
                "agree_count",
                "disagree_count",
                "created_at",
                "fetched_at",
            ],
        )
    return len(rows)


def venue_tips_forget(*, venue_id) -> int:
    """Delete every tip kept for the venue (no longer linked, or nothing may be kept)."""
    deleted, _ = FoursquareTip.objects.filter(venue_id=venue_id).delete()
    return deleted


def tips_purge() -> int:
    """Delete the tips fetched longer ago than Foursquare's details may be kept (ones the last
    sync could not refresh); returns how many."""
    deleted, _ = FoursquareTip.objects.filter(fetched_at__lt=_oldest_kept()).delete()
    return deleted


def tips_current() -> QuerySet[FoursquareTip]:
    """Tips that may still be shown: fetched within the details' lifetime."""
    if not tips_may_be_kept():
        return FoursquareTip.objects.none()
    return FoursquareTip.objects.filter(fetched_at__gte=_oldest_kept())


def _oldest_kept():
    return timezone.now() - timedelta(hours=max(0, settings.FOURSQUARE_DETAILS_MAX_AGE_HOURS))
