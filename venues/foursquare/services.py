"""What a venue edit asks of Foursquare: relink a place set by hand, queue the sync an edit
calls for (after the commit), and a manager's rate-limited "sync now". The sync itself is
``venues.foursquare.sync``; it runs in the background (``venues.foursquare.tasks``).
"""

from django.core.cache import cache
from django.db import transaction
from django.utils.translation import gettext
from kombu.exceptions import OperationalError as KombuOperationalError

from backend.errors import SERVICE_UNAVAILABLE, ApplicationError
from venues.foursquare.tasks import foursquare_sync_venue
from venues.models import FoursquarePlace, Venue

# A manager pressing "sync now" repeatedly queues one sync in this long.
FOURSQUARE_SYNC_REQUEST_SECONDS = 60

# What the Foursquare sync compares: a linked venue edited in these is synced again at once.
FOURSQUARE_COMPARED_FIELDS = frozenset(
    {"name", "address", "postcode", "latitude", "longitude", "website"}
)


def venue_foursquare_relink(*, venue: Venue) -> None:
    """A place id set (or cleared) by hand and saved: the link starts again from pending, and
    the next sync trusts that place without matching. Call under the venue's row lock."""
    venue.set_foursquare_status(Venue.FoursquareStatus.PENDING)
    venue.foursquare_drift = []
    venue.save(update_fields=["foursquare_status", "foursquare_error", "foursquare_drift"])
    FoursquarePlace.objects.filter(venue=venue).delete()


def venue_foursquare_follow_up(*, venue: Venue, changed: set[str]) -> None:
    """After an edit saved in the current transaction, queue the sync it calls for: a place
    linked by hand, a linked venue's deactivation (report it closed), or a change to what the
    sync compares (refresh the drift and propose the new values)."""
    if "foursquare_place_id" in changed:
        foursquare_sync_enqueue(venue=venue)
    elif not venue.is_active:
        if "is_active" in changed and venue.foursquare_place_id:
            foursquare_sync_enqueue(venue=venue)
    elif changed & FOURSQUARE_COMPARED_FIELDS and venue.foursquare_place_id:
        foursquare_sync_enqueue(venue=venue)


def foursquare_sync_enqueue(*, venue: Venue) -> None:
    """Queue a Foursquare sync of the venue once the current transaction commits (a worker
    must see what it commits; without a broker it runs in-process right then). The edit that
    asked for it stands even if the queue is down: the nightly run catches up."""
    venue_id = str(venue.pk)
    transaction.on_commit(lambda: foursquare_sync_venue.delay(venue_id), robust=True)


def venue_foursquare_sync_request(*, venue: Venue) -> bool:
    """A manager's "sync now": queues one sync per venue per FOURSQUARE_SYNC_REQUEST_SECONDS,
    however often the button is pressed. Returns whether this request queued one."""
    key = f"foursquare-sync-requested:{venue.pk}"
    if not cache.add(key, True, timeout=FOURSQUARE_SYNC_REQUEST_SECONDS):
        return False
    try:
        foursquare_sync_venue.delay(str(venue.pk))
    except KombuOperationalError as exc:
        cache.delete(key)
        raise ApplicationError(
            SERVICE_UNAVAILABLE,
            gettext("The background job queue cannot be reached; try again shortly."),
        ) from exc
    return True
