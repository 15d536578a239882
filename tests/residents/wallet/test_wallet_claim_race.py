"""The wallet's "Claim" against a double tap, with real threads on PostgreSQL: the issue saw two
simultaneous presses make one voucher and one ledger debit but draw the points down twice (the
API then showed 20 points of which 15 could be spent, and ``ledger_audit`` failed 8 times in
13). The page now has the API's idempotency guarantee, and the spend draws its lots once."""

import pytest
from django.core.management import call_command
from django.test import Client

from checkins.services import checkin_record
from rewards.catalog.services import catalog_claim, catalog_item_create
from rewards.models import Voucher
from rewards.schemes.models import PointsLot
from rewards.wallet.selectors import points_balance
from tests.concurrency import run_in_parallel
from tests.conftest import client_for, postgres_only
from tests.factories import UserFactory, VenueFactory
from tests.rewards.helpers import give_points
from venues.posters.services import poster_create

pytestmark = [postgres_only, pytest.mark.django_db(transaction=True)]
TRIES = 13


def test_parallel_claims_with_one_key_spend_once_and_the_audit_stays_clean():
    venue = VenueFactory(name="Dagenham Library")
    item = catalog_item_create(
        council=venue.council, venue=venue, title="Swim session", cost_points=5, stock=100
    )
    poster = poster_create(venue=venue, label="Door", created_by=None)
    for attempt in range(TRIES):
        resident = UserFactory()
        checkin_record(resident=resident, qr_token=poster.token)
        give_points(resident, 20, council=venue.council)
        browsers = []
        for _ in range(2):
            browser = Client()
            browser.force_login(resident)
            browsers.append(browser)

        def tap(index, browsers=browsers, key=f"one-form-{attempt}"):
            browser = browsers[index]
            return browser.post(f"/wallet/claim/{item.pk}/", {"claim_key": key}).status_code

        assert run_in_parallel(2, tap) == [302, 302]
        assert Voucher.objects.filter(resident=resident).count() == 1, attempt
        assert points_balance(resident) == 15, attempt
        lots = PointsLot.objects.filter(resident=resident)
        assert sum(lot.remaining for lot in lots) == 15, attempt
    call_command("ledger_audit")


def test_parallel_api_claims_with_one_key_spend_once():
    venue = VenueFactory()
    item = catalog_item_create(council=venue.council, title="Tea", cost_points=5)
    resident = UserFactory()
    give_points(resident, 20, council=venue.council)
    clients = [client_for(resident), client_for(resident)]

    def tap(index):
        return clients[index].post(
            f"/api/v1/catalog/{item.pk}/claim/", HTTP_IDEMPOTENCY_KEY="the-one-key"
        )

    responses = run_in_parallel(2, tap)
    assert [response.status_code for response in responses] == [201, 201]
    assert responses[0].json() == responses[1].json()
    assert points_balance(resident) == 15
    call_command("ledger_audit")


def test_the_spend_itself_draws_its_lots_once_for_two_calls_with_one_key():
    """Beneath the page's guarantee: two claims of one key that both reach the spend (no
    stored answer to wait on) post once and draw the lots once."""
    venue = VenueFactory()
    item = catalog_item_create(council=venue.council, title="Tea", cost_points=5)
    for attempt in range(TRIES):
        resident = UserFactory()
        give_points(resident, 20, council=venue.council)

        def claim(index, resident=resident, key=f"same-{attempt}"):
            return catalog_claim(resident=resident, item=item, idempotency_key=key).pk

        first, second = run_in_parallel(2, claim)
        assert first == second, attempt
        assert points_balance(resident) == 15, attempt
        lots = PointsLot.objects.filter(resident=resident)
        assert sum(lot.remaining for lot in lots) == 15, attempt
    call_command("ledger_audit")
