"""The one rule of every state machine here: a thing moves only along its table.

Four tables use it: a comment's status (``checkins.comments.services``), a voucher's
(``rewards.vouchers.services``), a Stripe promotion code's
(``StripePromotionCode.TRANSITIONS``, moved by ``rewards.stripe.outbox``) and a venue's
Foursquare link (``Venue.FOURSQUARE_TRANSITIONS``).
Each table maps a state to the states it may go to next (itself included where staying put is
allowed); a move the table does not allow is a bug in the caller, never a user's error, so it
raises the machine's own ``TransitionError`` subclass (a ``ValueError``).
"""

from collections.abc import Collection, Mapping


class TransitionError(ValueError):
    """A move the machine's table does not allow: a bug in the caller."""


def may_move(table: Mapping[str, Collection[str]], current: str, to: str) -> bool:
    """Whether ``table`` lets a thing in state ``current`` go to ``to``."""
    return to in table[current]


def check_move(
    table: Mapping[str, Collection[str]],
    current: str,
    to: str,
    *,
    what: str,
    error: type[TransitionError] = TransitionError,
) -> None:
    """Raise ``error`` ("A {what} cannot go from {current} to {to}.") unless ``table`` allows
    the move from ``current`` to ``to``."""
    if not may_move(table, current, to):
        raise error(f"A {what} cannot go from {current} to {to}.")
