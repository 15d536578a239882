"""Offers in words: every rule and every term, in English and in Welsh, and a resident's progress
as the check-in will find it (rewards.offers.wording, rewards.offers.progress)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from checkins.services import Fix, checkin_record
from rewards.offers.progress import offers_progress
from rewards.offers.services import offer_create
from rewards.offers.wording import offer_summary, ordinal
from tests.api import success
from tests.conftest import client_for
from tests.factories import UserFactory, VenueFactory

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")


def offer(venue, **fields):
    fields = {"title": "An offer", "rule": "every_checkin", "points": 10, **fields}
    return offer_create(council=None, venue=venue, created_by=None, **fields)


def both(made) -> tuple[str, str]:
    return str(offer_summary(made, "en-gb")), str(offer_summary(made, "cy"))


@pytest.fixture
def venue():
    return VenueFactory(radius_m=50)


@pytest.mark.parametrize(
    ("fields", "english", "welsh"),
    [
        ({}, "10 points every visit.", "10 pwynt bob ymweliad."),
        ({"points": 1}, "1 point every visit.", "1 pwynt bob ymweliad."),
        ({"points": 1500}, "1,500 points every visit.", "1,500 pwynt bob ymweliad."),
        (
            {"points": 0, "voucher_title": "Free hot drink"},
            "A voucher for “Free hot drink” every visit.",
            "Taleb ar gyfer “Free hot drink” bob ymweliad.",
        ),
        (
            {"rule": "first_checkin", "points": 0, "voucher_title": "Free hot drink"},
            "A voucher for “Free hot drink” on your first visit.",
            "Taleb ar gyfer “Free hot drink” ar eich ymweliad cyntaf.",
        ),
        (
            {"rule": "nth_checkin", "every_n": 5},
            "Every 5th visit: 10 points.",
            "Bob 5ed ymweliad: 10 pwynt.",
        ),
        (
            {"rule": "nth_checkin", "every_n": 2, "points": 0, "voucher_title": "Free swim"},
            "Every 2nd visit: a voucher for “Free swim”.",
            "Bob 2il ymweliad: taleb ar gyfer “Free swim”.",
        ),
        ({"rule": "nth_checkin", "every_n": 1}, "10 points every visit.", "10 pwynt bob ymweliad."),
        (
            {"rule": "nth_checkin", "every_n": 25},
            "10 points for every 25 visits.",
            "10 pwynt am bob 25 ymweliad.",
        ),
        (
            {"rule": "frequency", "every_n": 3, "window_days": 30},
            "10 points for 3 visits within 30 days.",
            "10 pwynt am 3 ymweliad o fewn 30 diwrnod.",
        ),
        (
            {"rule": "frequency", "every_n": 1, "window_days": 1},
            "10 points for 1 visit within 1 day.",
            "10 pwynt am 1 ymweliad o fewn 1 diwrnod.",
        ),
    ],
)
def test_each_rule_in_words_in_both_languages(venue, fields, english, welsh):
    assert both(offer(venue, **fields)) == (english, welsh)


@pytest.mark.parametrize(
    ("number", "english", "welsh"),
    [(1, "1st", "1af"), (2, "2nd", "2il"), (3, "3rd", "3ydd"), (4, "4th", "4ydd"),
     (5, "5th", "5ed"), (7, "7th", "7fed"), (11, "11th", "11eg"), (12, "12th", "12fed"),
     (13, "13th", "13eg"), (20, "20th", "20fed")],
)  # fmt: skip
def test_ordinals_in_both_languages(number, english, welsh):
    with translation.override("en-gb"):
        assert ordinal(number) == english
    with translation.override("cy"):
        assert ordinal(number) == welsh


@pytest.mark.parametrize(
    ("terms", "english", "welsh"),
    [
        (
            {"ends_at": datetime(2036, 12, 31, 23, 59, tzinfo=LONDON)},
            "Until 31 December 2036.",
            "Tan 31 Rhagfyr 2036.",
        ),
        (
            {
                "starts_at": datetime(2035, 3, 1, 9, tzinfo=LONDON),
                "ends_at": datetime(2035, 4, 1, 9, tzinfo=LONDON),
            },
            "From 1 March 2035 until 1 April 2035.",
            "O 1 Mawrth 2035 tan 1 Ebrill 2035.",
        ),
        (
            {"starts_at": datetime(2035, 3, 1, 9, tzinfo=LONDON)},
            "From 1 March 2035.",
            "O 1 Mawrth 2035.",
        ),
        ({"per_user_limit": 1}, "Once per person.", "Unwaith y person."),
        ({"per_user_limit": 3}, "Up to 3 times per person.", "Hyd at 3 gwaith y person."),
        ({"max_rewards": 50}, "Limited to 50 rewards in all.", "Cyfyngedig i 50 gwobr i gyd."),
        (
            {"per_user_limit": 2, "max_rewards": 1},
            "Up to 2 times per person. Limited to 1 reward in all.",
            "Hyd at 2 waith y person. Cyfyngedig i 1 wobr i gyd.",
        ),
    ],
)
def test_each_term_in_words_in_both_languages(venue, terms, english, welsh):
    made = offer(venue, **terms)
    assert offer_summary(made, "en-gb").terms == english
    assert offer_summary(made, "cy").terms == welsh
    assert str(offer_summary(made, "en-gb")) == f"10 points every visit. {english}"


def test_a_past_start_is_not_mentioned(venue):
    made = offer(venue, starts_at=datetime(2020, 1, 1, tzinfo=LONDON))
    assert offer_summary(made, "en-gb").terms == ""


def at_the(venue) -> Fix:
    return Fix(latitude=venue.latitude, longitude=venue.longitude, accuracy_m=10)


def progress_words(made, resident, venue, language="en-gb") -> str:
    progress = offers_progress(offers=[made], resident=resident, venue=venue)[made.pk]
    return offer_summary(made, language, progress).progress


def test_progress_to_every_nth_visit_is_what_the_check_in_finds(venue, clock, settings):
    made = offer(venue, rule="nth_checkin", every_n=3)
    resident = UserFactory()
    assert progress_words(made, resident, venue) == "3 more visits for 10 points."
    earned = []
    for expected in ["2 more visits for 10 points.", "1 more visit for 10 points.",
                     "3 more visits for 10 points."]:  # fmt: skip
        outcome = checkin_record(resident=resident, venue=venue, fix=at_the(venue))
        earned.append(outcome.points_earned)
        assert progress_words(made, resident, venue) == expected
        clock.advance(seconds=settings.CHECKIN_COOLDOWN_SECONDS + 1)
    assert earned == [0, 0, 10]  # the third visit earned it, as the words said
    assert progress_words(made, resident, venue, "cy") == "3 ymweliad arall: 10 pwynt."


def test_progress_within_a_window_names_the_day_it_runs_out(venue, clock, settings):
    clock.now = datetime(2035, 3, 10, 12, tzinfo=LONDON)
    made = offer(venue, rule="frequency", every_n=3, window_days=7)
    resident = UserFactory()
    assert progress_words(made, resident, venue) == "3 visits within 7 days for 10 points."
    checkin_record(resident=resident, venue=venue, fix=at_the(venue))
    assert progress_words(made, resident, venue) == "2 more visits by 17 March 2035 for 10 points."
    assert progress_words(made, resident, venue, "cy") == (
        "2 ymweliad arall erbyn 17 Mawrth 2035: 10 pwynt."
    )
    clock.advance(days=8)  # the first visit no longer counts
    assert progress_words(made, resident, venue) == "3 visits within 7 days for 10 points."


def test_progress_on_a_first_visit_offer(venue, clock, settings):
    made = offer(venue, rule="first_checkin", points=0, voucher_title="Free coffee")
    newcomer, regular = UserFactory(), UserFactory()
    assert progress_words(made, newcomer, venue) == "Check in here to earn it."
    checkin_record(resident=newcomer, venue=venue, fix=at_the(venue))
    assert progress_words(made, newcomer, venue) == "You earned this on your first visit."
    assert progress_words(made, newcomer, venue, "cy") == (
        "Fe wnaethoch chi ennill hon ar eich ymweliad cyntaf."
    )

    # A resident who came before the offer began cannot have it.
    other = VenueFactory(council=venue.council, radius_m=50)
    checkin_record(resident=regular, venue=other, fix=at_the(other))
    later = offer(other, rule="first_checkin", points=5)
    assert progress_words(later, regular, other) == (
        "You have visited before, so this is for new visitors only."
    )


def test_progress_at_the_per_person_limit(venue, clock, settings):
    made = offer(venue, per_user_limit=2)
    resident = UserFactory()
    assert progress_words(made, resident, venue) == ""  # every visit earns: nothing to count
    for _ in range(2):
        checkin_record(resident=resident, venue=venue, fix=at_the(venue))
        clock.advance(seconds=settings.CHECKIN_COOLDOWN_SECONDS + 1)
    assert progress_words(made, resident, venue) == (
        "You have had this reward 2 times, the most allowed."
    )
    assert progress_words(made, resident, venue, "cy") == (
        "Rydych chi wedi cael y wobr hon 2 waith, y nifer mwyaf a ganiateir."
    )


def test_a_spent_budget_is_said(venue, settings):
    made = offer(venue, max_rewards=1)
    checkin_record(resident=UserFactory(), venue=venue, fix=at_the(venue))
    made.rewards_given = 1  # as the offers API's queryset counts it
    assert offer_summary(made, "en-gb").terms == "All of these rewards have been given."


def test_the_offers_api_gives_the_summary_in_the_callers_language_and_progress(
    venue, api_client, clock, settings
):
    made = offer(venue, title="Loyalty", rule="nth_checkin", every_n=4, points=25)
    resident = UserFactory()
    checkin_record(resident=resident, venue=venue, fix=at_the(venue))
    url = f"/api/v1/venues/{venue.id}/offers/"

    anonymous = success(api_client, "get", url).json()["results"][0]
    assert anonymous["id"] == str(made.id)
    assert (anonymous["summary"], anonymous["progress"]) == ("Every 4th visit: 25 points.", None)

    signed_in = client_for(resident)
    mine = success(signed_in, "get", url).json()["results"][0]
    assert mine["progress"] == "3 more visits for 25 points."
    assert mine["summary"] == "Every 4th visit: 25 points. 3 more visits for 25 points."
    welsh = success(signed_in, "get", url, HTTP_ACCEPT_LANGUAGE="cy").json()["results"][0]
    assert welsh["summary"] == "Bob 4ydd ymweliad: 25 pwynt. 3 ymweliad arall: 25 pwynt."


def test_the_offers_list_costs_a_fixed_number_of_queries_with_progress(
    venue, django_assert_max_num_queries
):
    resident = UserFactory()
    for n in range(2, 8):
        offer(venue, title=f"Every {n}", rule="nth_checkin", every_n=n)
    client = client_for(resident)
    # venue, the count and the page, then the resident's grants and their visits (one window)
    with django_assert_max_num_queries(5):
        body = success(client, "get", f"/api/v1/venues/{venue.id}/offers/").json()
    assert {row["progress"] for row in body["results"]} == {
        f"{n} more visits for 10 points." for n in range(2, 8)
    }
