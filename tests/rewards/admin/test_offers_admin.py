"""The offers' back-office pages: scoped by role, and saving through the API's services."""

import uuid

import pytest
from django.utils import timezone

from rewards import account_names
from rewards.ledger.models import LedgerAccount
from rewards.models import Offer
from rewards.offers.earning import rewards_for_checkin
from rewards.offers.services import offer_create, offer_update
from tests.factories import UserFactory
from tests.rewards.admin.conftest import listed

OFFERS = "/admin/rewards/offer/"


def change_page(offer) -> str:
    return f"{OFFERS}{offer.pk}/change/"


def offer_form(**fields) -> dict:
    """What the add page posts; ``fields`` override."""
    data = {
        "council": "",
        "venue": "",
        "title": "Free swim",
        "description": "",
        "rule": "every_checkin",
        "points": "0",
        "voucher_title": "One free swim",
        "stripe_coupon_id": "",
        "voucher_valid_days": "",
        "every_n": "",
        "window_days": "",
        "starts_at": "",
        "ends_at": "",
        "max_rewards": "",
        "per_user_limit": "",
        "is_active": "on",
        "accepts": "any",
    }
    data.update({name: str(value) for name, value in fields.items()})
    return data


class TestWhoSeesWhat:
    def test_a_venue_manager_lists_only_their_venues_offers(self, clients):
        assert listed(clients.manager, OFFERS) == {"Swim at A"}

    def test_a_council_admin_lists_their_councils_offers_only(self, clients):
        assert listed(clients.council_admin, OFFERS) == {
            "Swim at A",
            "Swim at B",
            "Anywhere in Mine",
        }

    def test_a_superuser_lists_every_offer(self, clients):
        assert len(listed(clients.superuser, OFFERS)) == 5

    def test_a_manager_cannot_open_another_venues_or_the_councils_offer(self, clients, world):
        assert clients.manager.get(change_page(world.offers.a)).status_code == 200
        for other in (world.offers.b, world.offers.c, world.offers.mine):
            assert clients.manager.get(change_page(other)).status_code in (302, 403, 404)

    def test_a_council_admin_cannot_open_another_councils_offer(self, clients, world):
        assert clients.council_admin.get(change_page(world.offers.mine)).status_code == 200
        for other in (world.offers.c, world.offers.theirs):
            assert clients.council_admin.get(change_page(other)).status_code in (302, 403, 404)

    @pytest.mark.parametrize("who", ["staff", "resident"])
    def test_venue_staff_and_residents_have_no_offer_pages(self, clients, who):
        client = getattr(clients, who)
        for path in (OFFERS, f"{OFFERS}add/"):
            assert client.get(path).status_code in (302, 403)

    def test_the_add_page_offers_only_what_the_person_manages(self, clients, world):
        form = clients.manager.get(f"{OFFERS}add/").context["adminform"].form
        assert list(form.fields["venue"].queryset) == [world.a]
        assert list(form.fields["council"].queryset) == []
        form = clients.council_admin.get(f"{OFFERS}add/").context["adminform"].form
        assert set(form.fields["venue"].queryset) == {world.a, world.b}
        assert list(form.fields["council"].queryset) == [world.mine]

    def test_the_venue_filter_lists_only_the_managers_venues(self, clients, world):
        response = clients.manager.get(OFFERS)
        venue_filter = next(
            spec for spec in response.context["cl"].filter_specs if spec.field_path == "venue"
        )
        assert [pk for pk, _ in venue_filter.lookup_choices] == [world.a.pk]


class TestSavingThroughTheServices:
    def test_start_and_end_are_read_as_london_wall_clock_time(self, clients, world):
        response = clients.manager.post(
            f"{OFFERS}add/",
            offer_form(venue=world.a.pk, starts_at="2026-12-01T09:00", ends_at="2027-07-01T18:30"),
        )

        assert response.status_code == 302
        made = Offer.objects.get(title="Free swim")
        utc = timezone.get_fixed_timezone(0)
        assert made.starts_at.astimezone(utc).strftime("%Y-%m-%d %H:%M") == "2026-12-01 09:00"
        assert made.ends_at.astimezone(utc).strftime("%Y-%m-%d %H:%M") == "2027-07-01 17:30"

    def test_a_manager_creates_a_budgeted_offer_as_the_api_would(self, clients, world):
        response = clients.manager.post(
            f"{OFFERS}add/", offer_form(venue=world.a.pk, max_rewards=7, per_user_limit=2)
        )

        assert response.status_code == 302
        made = Offer.objects.get(title="Free swim")
        assert (made.venue, made.council, made.max_rewards) == (world.a, world.mine, 7)
        by_api = offer_create(
            council=None,
            venue=world.a,
            created_by=None,
            title="Free swim",
            rule="every_checkin",
            voucher_title="One free swim",
            max_rewards=7,
            per_user_limit=2,
        )
        pools = {
            offer.pk: LedgerAccount.objects.get(name=account_names.offer_pool(offer.pk))
            for offer in (made, by_api)
        }
        assert pools[made.pk].min_balance == -7
        assert (pools[made.pk].asset, pools[made.pk].min_balance) == (
            pools[by_api.pk].asset,
            pools[by_api.pk].min_balance,
        )

    def test_a_refused_offer_shows_the_services_message_beside_the_field(self, clients, world):
        response = clients.manager.post(
            f"{OFFERS}add/", offer_form(venue=world.a.pk, per_user_limit=0)
        )

        assert response.status_code == 200
        assert response.context["adminform"].form.errors == {
            "per_user_limit": ["Must be at least 1."]
        }
        assert not Offer.objects.filter(title="Free swim").exists()

    def test_an_offer_of_points_and_a_voucher_is_refused_on_the_points_field(self, clients, world):
        response = clients.manager.post(f"{OFFERS}add/", offer_form(venue=world.a.pk, points=5))

        form = response.context["adminform"].form
        assert form.errors == {"points": ["An offer rewards points or a voucher, not both."]}
        assert not Offer.objects.filter(title="Free swim").exists()

    def test_naming_neither_venue_nor_council_is_refused(self, clients):
        response = clients.council_admin.post(f"{OFFERS}add/", offer_form())

        assert response.context["adminform"].form.errors == {
            "venue": ["Name a venue or a council."]
        }
        assert not Offer.objects.filter(title="Free swim").exists()

    def test_a_manager_cannot_make_an_offer_for_another_venue(self, clients, world):
        response = clients.manager.post(f"{OFFERS}add/", offer_form(venue=world.b.pk))

        assert "venue" in response.context["adminform"].form.errors
        assert not Offer.objects.filter(title="Free swim").exists()

    def test_a_council_admin_makes_a_council_wide_offer(self, clients, world):
        response = clients.council_admin.post(f"{OFFERS}add/", offer_form(council=world.mine.pk))

        assert response.status_code == 302
        made = Offer.objects.get(title="Free swim")
        assert (made.council, made.venue) == (world.mine, None)

    def test_editing_the_budget_moves_the_pools_limit(self, clients, world):
        offer = world.offers.a
        data = offer_form(points=5, voucher_title="", max_rewards=3, title=offer.title)
        del data["council"], data["venue"]

        response = clients.manager.post(change_page(offer), data)

        assert response.status_code == 302
        pool = LedgerAccount.objects.get(name=account_names.offer_pool(offer.pk))
        assert pool.min_balance == -15  # 3 rewards of 5 points
        offer.refresh_from_db()
        assert offer.max_rewards == 3

    def test_an_edit_the_service_refuses_changes_nothing(self, clients, world):
        offer = world.offers.a
        data = offer_form(points=5, voucher_title="", title=offer.title, rule="nth_checkin")
        del data["council"], data["venue"]

        response = clients.manager.post(change_page(offer), data)

        assert response.status_code == 200
        assert response.context["adminform"].form.errors == {
            "every_n": ["A nth_checkin offer needs every_n (at least 1)."]
        }
        offer.refresh_from_db()
        assert offer.rule == "every_checkin"

    def test_the_list_shows_the_pools_budget(self, clients, world):
        offer_create(
            council=None,
            venue=world.a,
            created_by=None,
            title="Capped",
            rule="every_checkin",
            points=10,
            max_rewards=4,
        )
        page = clients.manager.get(OFFERS).content.decode()
        assert "40 points" in page  # left of 4 rewards of 10 points
        assert "every venue of" not in page


def test_a_refusal_the_forms_check_missed_is_shown_not_a_500(clients, world, monkeypatch):
    """Something changed between the form's check and the save (simulated: the check passes):
    the service refuses under its lock, nothing is saved and the page says why."""
    offer = world.offers.a
    resident = UserFactory()
    for _ in range(2):
        rewards_for_checkin(
            resident=resident,
            venue=world.a,
            checkin_id=uuid.uuid4(),
            checked_in_at=timezone.now(),
            evidence="location",
            visits_since=lambda since: 1,
        )
    monkeypatch.setattr("rewards.offers.admin.offer_update_errors", lambda **kwargs: {})
    data = offer_form(points=5, voucher_title="", title=offer.title, max_rewards=1)
    del data["council"], data["venue"]

    response = clients.manager.post(change_page(offer), data, follow=True)

    assert response.status_code == 200
    shown = [str(message) for message in response.context["messages"]]
    assert shown == [
        "Not saved: Some fields are invalid. 2 rewards were already given; the cap cannot be lower."
    ]
    offer.refresh_from_db()
    assert offer.max_rewards is None


class TestWhichCheckInsEarnIt:
    def test_the_form_asks_it_in_plain_words(self, clients):
        page = clients.manager.get(f"{OFFERS}add/").content.decode()
        assert "Which check-ins earn it" in page
        assert "A photo of the poster is enough" in page
        assert "Needs the phone&#x27;s location or the desk screen" in page

    def test_needs_location_or_screen_leaves_the_poster_alone_out(self, clients, world):
        response = clients.manager.post(
            f"{OFFERS}add/", offer_form(venue=world.a.pk, accepts="present")
        )
        assert response.status_code == 302
        made = Offer.objects.get(title="Free swim")
        assert made.accepts == ["location", "poster_and_location", "desk_screen", "staff"]

    def test_an_offer_set_otherwise_through_the_api_keeps_its_choice_described(
        self, clients, world
    ):
        offer = world.offers.a
        offer_update(offer=offer, changes={"accepts": ["location", "staff"]})
        page = clients.manager.get(change_page(offer)).content.decode()
        assert "As set through the API: the phone&#x27;s location, staff at the desk." in page
        listed_page = clients.manager.get(OFFERS).content.decode()
        assert "the phone&#x27;s location, staff at the desk" in listed_page  # "earned by"
        data = offer_form(title=offer.title, points=offer.points, voucher_title="")
        data["accepts"] = "mask:17"
        del data["council"], data["venue"]
        assert clients.manager.post(change_page(offer), data).status_code == 302
        offer.refresh_from_db()
        assert offer.accepts == ["location", "staff"]
