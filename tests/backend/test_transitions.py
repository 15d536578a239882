"""The one transition rule (backend/transitions.py) and the four state machines that use it."""

import pytest

from backend.transitions import TransitionError, check_move, may_move
from checkins.comments.services import TRANSITIONS as COMMENT_TRANSITIONS
from checkins.comments.services import CommentTransitionError
from rewards.models import StripePromotionCode, VoucherStatus
from rewards.stripe.outbox import OutboxTransitionError
from rewards.vouchers.services import TRANSITIONS as VOUCHER_TRANSITIONS
from rewards.vouchers.services import VoucherTransitionError
from tests.factories import VenueFactory
from venues.models import Venue

DOOR = {"open": {"closed"}, "closed": {"open", "locked"}, "locked": set()}


def test_a_move_the_table_lists_is_allowed():
    assert may_move(DOOR, "open", "closed")
    assert may_move(DOOR, "closed", "locked")
    check_move(DOOR, "closed", "open", what="door")  # no error


def test_a_move_the_table_does_not_list_is_refused_with_both_states_named():
    assert not may_move(DOOR, "open", "locked")
    assert not may_move(DOOR, "locked", "open")
    with pytest.raises(TransitionError, match="A door cannot go from open to locked"):
        check_move(DOOR, "open", "locked", what="door")


def test_staying_put_is_a_move_like_any_other():
    assert not may_move(DOOR, "open", "open")


def test_the_error_is_the_machines_own_and_a_value_error():
    class DoorError(TransitionError):
        pass

    with pytest.raises(DoorError) as refused:
        check_move(DOOR, "locked", "open", what="door", error=DoorError)
    assert isinstance(refused.value, ValueError)


def test_an_unknown_state_is_a_key_error_not_a_silent_yes():
    with pytest.raises(KeyError):
        may_move(DOOR, "ajar", "open")


@pytest.mark.parametrize(
    ("table", "error", "current", "refused", "allowed"),
    [
        (COMMENT_TRANSITIONS, CommentTransitionError, "visible", "visible", "hidden"),
        (VOUCHER_TRANSITIONS, VoucherTransitionError, "expired", "issued", None),
        (VOUCHER_TRANSITIONS, VoucherTransitionError, "redeemed", "void", "issued"),
        (StripePromotionCode.TRANSITIONS, OutboxTransitionError, "created", "pending", None),
        (Venue.FOURSQUARE_TRANSITIONS, TransitionError, "linked", "unmatched", "pending"),
    ],
)
def test_each_state_machine_answers_through_the_one_rule(table, error, current, refused, allowed):
    assert issubclass(error, TransitionError)
    with pytest.raises(error):
        check_move(table, current, refused, what="thing", error=error)
    if allowed is not None:
        assert may_move(table, current, allowed)


def test_a_terminal_voucher_goes_nowhere():
    for status in (VoucherStatus.EXPIRED, VoucherStatus.VOID):
        assert not any(may_move(VOUCHER_TRANSITIONS, status, to) for to in VoucherStatus.values)


@pytest.mark.django_db
def test_a_venues_foursquare_link_is_moved_by_the_one_rule():
    venue = VenueFactory()
    venue.set_foursquare_status("linked")
    with pytest.raises(TransitionError, match="Foursquare link cannot go from linked to unmatched"):
        venue.set_foursquare_status("unmatched")
    assert venue.foursquare_status == "linked"
