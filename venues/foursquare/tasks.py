"""The Foursquare sync's background jobs (venues.foursquare.sync).

Their names keep the ``venues.tasks.`` prefix they were first registered under: the beat
schedule and any message already queued refer to them by it. Listed in ``CELERY_IMPORTS``,
since autodiscovery only finds each app's ``tasks`` module. The services are imported in the
task bodies, as ``venues.foursquare.services`` imports this module to queue them.
"""

import logging

from celery import shared_task

logger = logging.getLogger(__name__)


@shared_task(
    name="venues.tasks.foursquare_sync_venue",
    ignore_result=True,
    acks_late=True,
    # Per worker process (Celery's rate limits are not global), each sync making 1-5 requests:
    # keeps a few workers together well under Foursquare's per-key rate limit.
    rate_limit="2/s",
)
def foursquare_sync_venue(venue_id: str) -> dict:
    """Sync one venue. Foursquare's failures end as the venue's ``error`` status, so the task
    itself never fails for them (the client has already retried what is worth retrying)."""
    from venues.foursquare.sync import venue_foursquare_failure_record, venue_foursquare_sync
    from venues.models import Venue

    try:
        outcome = venue_foursquare_sync(venue_id=venue_id)
    except Venue.DoesNotExist:
        logger.info("Foursquare sync: venue %s no longer exists", venue_id)
        return {"venue": venue_id, "status": "gone"}
    except Exception:
        logger.exception("Foursquare sync of venue %s failed unexpectedly", venue_id)
        venue_foursquare_failure_record(venue_id=venue_id)
        raise
    logger.info(
        "Foursquare sync of venue %s: %s%s",
        venue_id,
        outcome.status,
        f" ({outcome.error})" if outcome.error else "",
    )
    return {"venue": venue_id, "status": outcome.status, "proposed": outcome.proposed}


@shared_task(name="venues.tasks.foursquare_nightly_sync", ignore_result=True)
def foursquare_nightly_sync() -> dict:
    """Blank Foursquare's values older than their lifetime, fan out one sync per venue (each
    refreshes its snapshot and drift and asks about its own proposals), then ask about any
    other proposal still open."""
    from venues.foursquare.retention import foursquare_details_purge
    from venues.foursquare.selectors import venues_for_foursquare_sync

    purged = foursquare_details_purge()

    venue_ids = [
        str(pk) for pk in venues_for_foursquare_sync().order_by("pk").values_list("pk", flat=True)
    ]
    for venue_id in venue_ids:
        foursquare_sync_venue.delay(venue_id)
    foursquare_refresh_proposals.delay()
    logger.info(
        "Foursquare nightly sync: %d venues queued, %d stale snapshots blanked",
        len(venue_ids),
        purged,
    )
    return {"queued": len(venue_ids)}


@shared_task(name="venues.tasks.foursquare_refresh_proposals", ignore_result=True)
def foursquare_refresh_proposals() -> dict:
    from venues.foursquare.client import FoursquareError
    from venues.foursquare.sync import foursquare_proposals_refresh

    try:
        changed = foursquare_proposals_refresh()
    except FoursquareError as exc:
        logger.warning("Could not ask Foursquare about open proposals: %s", exc)
        return {"changed": 0, "error": str(exc)}
    return {"changed": changed}
