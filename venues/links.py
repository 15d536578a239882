"""A council's labelled links (its website, social accounts...), listed on its venues' public
pages: the one write path, used by the back office."""

from django.db import transaction
from django.utils.translation import gettext_noop

from venues.activity.sentences import said
from venues.activity.services import activity_record
from venues.models import CouncilLink


def council_link_save(*, link: CouncilLink, by) -> CouncilLink:
    """Add or change one of a council's links (checked as the model says: a web address, a
    label, not twice the same address for one council). ``by`` is the council admin."""
    with transaction.atomic():
        link.full_clean()
        link.save()
        activity_record(
            actor=by,
            action="council_link.saved",
            obj=link,
            summary=said(
                gettext_noop("Link '%(label)s' (%(url)s) saved."), label=link.label, url=link.url
            ),
        )
    return link


def council_link_delete(*, link: CouncilLink, by) -> None:
    """Remove one of a council's links. ``by`` is the council admin."""
    with transaction.atomic():
        activity_record(
            actor=by,
            action="council_link.deleted",
            obj=link,
            summary=said(
                gettext_noop("Link '%(label)s' (%(url)s) removed."), label=link.label, url=link.url
            ),
        )
        link.delete()
