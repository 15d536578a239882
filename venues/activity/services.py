"""Recording a change in the activity log: one call, made by the service that changes
something, inside its own transaction (so an entry exists exactly when the change does).

Actions are ``"<object>.<what happened>"``; those in use are listed in ``ACTIONS`` (the back
office filters by them). A new service that changes something staff can change records it
here too: ``activity_record(actor=..., action="checkin.voided", obj=checkin, summary=...)``.
"""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from venues.access import scope_of
from venues.activity.models import ActivityEntry
from venues.activity.sentences import Sentence

ACTIONS = {
    "council.created": _("Council created"),
    "venue.created": _("Venue registered"),
    "venue.changed": _("Venue changed"),
    "venue.deactivated": _("Venue deactivated"),
    "venues.imported": _("Venues imported"),
    "role.granted": _("Role granted"),
    "role.revoked": _("Role ended"),
    "invitation.sent": _("Invitation sent"),
    "invitation.resent": _("Invitation sent again"),
    "invitation.cancelled": _("Invitation cancelled"),
    "invitation.accepted": _("Invitation accepted"),
    "poster.created": _("Poster made"),
    "poster.revoked": _("Poster revoked"),
    "offer.created": _("Offer created"),
    "offer.changed": _("Offer changed"),
    "catalog_item.created": _("Catalog item created"),
    "catalog_item.changed": _("Catalog item changed"),
    "comment.hidden": _("Comment hidden"),
    "comment.restored": _("Comment restored"),
    "voucher.redeemed": _("Voucher redeemed"),
    "voucher.redeem_undone": _("Voucher redemption undone"),
    "checkin.assisted": _("Resident checked in by staff"),
    "checkin.voided": _("Check-in voided"),
    "alert.resolved": _("Fraud alert resolved"),
    "poster.replaced": _("Poster replaced"),
    "comment.replied": _("Reply posted"),
    "comment.reply_changed": _("Reply changed"),
    "comment.reply_deleted": _("Reply deleted"),
    "council_link.saved": _("Council link saved"),
    "council_link.deleted": _("Council link removed"),
}

# What an object is called in the log (a model's name otherwise).
OBJECT_TYPES = {"catalogitem": "catalog_item", "checkin": "checkin"}


def object_type_of(obj) -> str:
    name = obj._meta.model_name
    return OBJECT_TYPES.get(name, name)


def activity_record(
    *, actor, action: str, obj, summary: Sentence | str, venue=None
) -> ActivityEntry:
    """Record that ``actor`` (a user; None for a command or a job) did ``action`` to ``obj``
    (a saved model instance that lives in a council: see `venues.access.scope_of`), in
    ``summary``'s words (a `Sentence`, which each reader reads in their language; kept in
    English too); ``venue``: where it happened, when not where ``obj`` lives (a council-wide
    voucher redeemed at one venue). Must run inside the transaction of the change it
    records."""
    if action not in ACTIONS:
        raise ValueError(f"unknown activity {action!r}: add it to ACTIONS")
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("activity_record runs inside the transaction of the change")
    scope = scope_of(obj)
    if scope.council_id is None:
        raise ValueError(f"{obj!r} lives in no council: the activity log is a council's")
    return ActivityEntry.objects.create(
        council_id=scope.council_id,
        venue_id=venue.pk if venue is not None else scope.venue_id,
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        object_type=object_type_of(obj),
        object_id=str(obj.pk),
        summary=(summary.in_english() if isinstance(summary, Sentence) else summary)[:500],
        summary_said=summary.as_json() if isinstance(summary, Sentence) else {},
    )


def changed_fields_text(changed) -> str:
    """``{"title", "max_rewards"}`` as "max rewards, title", for a summary."""
    return ", ".join(sorted(name.replace("_", " ") for name in changed)) or "nothing"
