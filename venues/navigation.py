"""The staff header: the places a person may open, in one list, so the back office, insight,
the desk and the digest link each other (and nothing the person may not open).

Read from the person's access (venues.access, kept on the request, which read the names of their
councils and venues with their roles): no query of its own. The pages are named by URL, not
imported: insight and the desk live in apps above this one.
"""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext as _

from venues.access import Level, request_access
from venues.models import Role


@dataclass(frozen=True)
class Place:
    label: str
    url: str
    current: bool = False


def staff_places(request) -> list[Place]:
    """Where this person works, for the header; empty for anyone without a staff role."""
    access = request_access(request)
    if not access.is_signed_in or not (access.is_superuser or access.levels):
        return []
    places: list[tuple[str, str]] = []
    if access.may_use_back_office:
        places.append((_("Back office"), reverse("admin:index")))
    councils = [role for role in access.held if role.kind == Role.Kind.COUNCIL_ADMIN]
    administered = {role.council_id for role in councils}
    for role in councils:
        places.append(
            (
                _("Insight: %(place)s") % {"place": role.shown_council_name},
                reverse("insight", args=[role.council_slug]),
            )
        )
    for role in access.held:
        if role.kind == Role.Kind.VENUE_MANAGER and role.council_id not in administered:
            places.append(
                (
                    _("Insight: %(place)s") % {"place": role.shown_venue_name},
                    reverse("insight-venue", args=[role.council_slug, role.venue_id]),
                )
            )
    if councils:
        activity = reverse("admin:venues_activityentry_changelist")
        if len(councils) == 1:
            activity += f"?council__id__exact={councils[0].council_id}"
        places.append((_("Activity log"), activity))
    if access.may_use_desk:
        places.append((_("Redemption desk"), reverse("desk")))
    if any(level >= Level.VENUE_MANAGER for level in access.levels.values()):
        places.append((_("Weekly digest"), reverse("digest-settings")))
    places.append((_("Your account"), reverse("account")))
    return _mark_current(places, request.path)


def _mark_current(places: list[tuple[str, str]], path: str) -> list[Place]:
    """The place whose address is the longest start of ``path`` is the current one."""
    paths = [url.split("?")[0] for _label, url in places]
    matching = [place_path for place_path in paths if path.startswith(place_path)]
    current = max(matching, key=len, default=None)
    return [Place(label, url, url.split("?")[0] == current) for label, url in places]
