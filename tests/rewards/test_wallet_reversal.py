import pytest

from rewards.audit import rewards_breaches
from rewards.ledger.audit import ledger_breaches
from rewards.ledger.services import InsufficientBalance, balance
from rewards.models import PointsLot
from rewards.wallet import (
    SPENT_POINTS,
    points_balance,
    points_credit,
    points_credit_reverse,
    points_debit,
    sink_account,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_an_untouched_earn_is_reversed_back_to_its_source():
    resident, source = UserFactory(), sink_account("source:offer")
    credit = points_credit(resident=resident, amount=40, source=source, idempotency_key="earn")
    points_credit_reverse(credit=credit, idempotency_key="undo")
    assert points_balance(resident) == 0 and balance(source) == 0
    assert PointsLot.objects.get(transaction=credit).remaining == 0
    # Replaying the reversal changes nothing.
    points_credit_reverse(credit=credit, idempotency_key="undo")
    assert points_balance(resident) == 0
    assert ledger_breaches() == [] and rewards_breaches() == []


def test_an_earn_whose_points_were_spent_cannot_be_reversed():
    resident, source = UserFactory(), sink_account("source:offer")
    credit = points_credit(resident=resident, amount=40, source=source, idempotency_key="earn")
    points_debit(
        resident=resident, amount=10, sink=sink_account(SPENT_POINTS), idempotency_key="spend"
    )
    with pytest.raises(InsufficientBalance):
        points_credit_reverse(credit=credit, idempotency_key="undo")
    assert points_balance(resident) == 30
    assert PointsLot.objects.get(transaction=credit).remaining == 30
    assert ledger_breaches() == [] and rewards_breaches() == []
