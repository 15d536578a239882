"""Nobody redeems their own voucher, at the API or at the desk: a colleague must."""

import pytest

from rewards.models import Voucher
from tests.api import error, success
from tests.conftest import client_for
from tests.factories import council_admin_of, venue_manager_of, venue_staff_of
from tests.rewards.helpers import issued_voucher

pytestmark = pytest.mark.django_db

REDEEM = "/api/v1/vouchers/redeem/"


@pytest.mark.parametrize("role_of", [venue_staff_of, venue_manager_of, council_admin_of])
def test_staff_cannot_redeem_their_own_voucher(item, venue, role_of):
    insider = role_of(venue) if role_of is not council_admin_of else role_of(venue.council)
    voucher = issued_voucher(insider, item)

    error(
        client_for(insider), "post", REDEEM, {"code": voucher.code}, status=403, code="own_voucher"
    )

    voucher.refresh_from_db()
    assert voucher.status == Voucher.Status.ISSUED
    success(client_for(venue_staff_of(venue)), "post", REDEEM, {"code": voucher.code})


def test_the_desk_says_so_in_plain_words(client, item, venue):
    staff = venue_staff_of(venue)
    voucher = issued_voucher(staff, item)
    client.force_login(staff)

    page = client.post("/desk/", {"code": voucher.code}).content.decode()

    assert "your own voucher" in page
    assert "ask a colleague" in page
    voucher.refresh_from_db()
    assert voucher.status == Voucher.Status.ISSUED
