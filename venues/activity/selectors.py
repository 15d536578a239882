"""Reading the activity log."""

from django.db.models import QuerySet

from venues.activity.models import ActivityEntry


def activity_list(
    *,
    council,
    action: str | None = None,
    object_type: str | None = None,
    venue_id=None,
    actor_id=None,
) -> QuerySet[ActivityEntry]:
    """``council``'s activity, newest first, narrowed by what is given."""
    entries = ActivityEntry.objects.filter(council=council).select_related("actor", "venue")
    if action:
        entries = entries.filter(action=action)
    if object_type:
        entries = entries.filter(object_type=object_type)
    if venue_id:
        entries = entries.filter(venue_id=venue_id)
    if actor_id:
        entries = entries.filter(actor_id=actor_id)
    return entries.order_by("-at", "id")
