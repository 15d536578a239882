"""Drift and name similarity: forgiving where councils and Foursquare only write differently."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from venues.foursquare.client import Place
from venues.foursquare.drift import (
    comparable_name,
    compute_drift,
    name_similarity,
    split_address,
)
from venues.foursquare.sync import best_candidate
from venues.models import Venue


def venue(**overrides) -> Venue:
    values = {
        "name": "Barking",
        "category": "library",
        "address": "2 Town Square, Barking",
        "postcode": "IG11 7NB",
        "latitude": 51.536387,
        "longitude": 0.079994,
        "website": "",
    } | overrides
    return Venue(**values)


def place(**overrides) -> Place:
    values = {
        "place_id": "4b0588a0f964a5203ad422e3",
        "name": "Barking Library",
        "latitude": 51.5364,
        "longitude": 0.0800,
        "address": "2 Town Square",
        "locality": "Barking",
        "postcode": "IG117NB",
        "website": "https://www.lbbd.gov.uk/libraries/",
    } | overrides
    return Place(**values)


@pytest.mark.parametrize(
    "ours, theirs, category, same",
    [
        ("Barking", "Barking Library", "library", True),
        ("The Barking Library", "barking library", "library", True),
        ("Barking", "Barking Park", "library", False),
        ("Thornbury", "Thornbury Leisure Centre", "leisure_centre", True),
        ("St Helens Central", "St. Helens Central Library", "library", True),
        ("Harrow Arts Centre", "Harrow Arts Centre & Theatre", "theatre", False),
    ],
)
def test_names_are_compared_without_the_category_words(ours, theirs, category, same):
    assert (comparable_name(ours, category) == comparable_name(theirs, category)) is same


def test_similarity_ranks_namesakes_above_neighbours():
    assert name_similarity("Marks Gate", "Marks Gate Library", "library") == 1.0
    assert name_similarity("Marks Gate", "Marks Gate Cafe", "library") < 1.0
    assert name_similarity("Marks Gate", "Chadwell Heath Library", "library") < 0.5


MARKS_GATE = {"latitude": 51.585380, "longitude": 0.135866}


@pytest.mark.parametrize(
    "candidates, chosen",
    [
        # A cafe named after the estate, next door, is not the library...
        ([("Marks Gate Cafe", ["Café"], 0.0001)], None),
        # ... the library a little further away is.
        (
            [("Marks Gate Cafe", ["Café"], 0.0001), ("Marks Gate Library", ["Library"], 0.0004)],
            "Marks Gate Library",
        ),
        # Without categories to go by, the name decides.
        ([("Marks Gate Library", [], 0.0002)], "Marks Gate Library"),
        # A library of another name is refused.
        ([("Chadwell Heath Library", ["Library"], 0.0001)], None),
    ],
)
def test_the_search_fallback_picks_the_venue_not_its_neighbours(candidates, chosen):
    ours = venue(name="Marks Gate", **MARKS_GATE)
    places = [
        place(
            place_id=f"4b0588a0f964a5203ad422e{index}",
            name=name,
            categories=categories,
            latitude=MARKS_GATE["latitude"] + offset,
            longitude=MARKS_GATE["longitude"],
        )
        for index, (name, categories, offset) in enumerate(candidates)
    ]
    best = best_candidate(ours, places)
    assert (best.name if best else None) == chosen


def test_a_place_listed_as_the_council_lists_it_does_not_drift():
    ours = venue(website="http://lbbd.gov.uk/libraries")
    assert compute_drift(ours, place()) == []


def test_each_difference_is_its_own_item():
    ours = venue(website="https://www.lbbd.gov.uk/barking")
    theirs = place(
        name="Barking Learning Centre",
        address="1 Clockhouse Avenue",
        postcode="IG11 7NA",
        latitude=51.5383,
        website="",
    )
    drift = {item["field"]: item for item in compute_drift(ours, theirs)}
    assert set(drift) == {"name", "address", "postcode", "coordinates", "website"}
    assert drift["address"]["council"] == "2 Town Square, Barking"
    assert drift["coordinates"]["council"] == "51.536387,0.079994"
    assert drift["coordinates"]["foursquare"] == "51.538300,0.080000"
    assert drift["website"]["foursquare"] == ""


def test_coordinates_drift_only_beyond_the_threshold(settings):
    settings.FOURSQUARE_DRIFT_DISTANCE_M = 50
    near = place(latitude=51.536387 + 0.0004)  # ~44 m north
    far = place(latitude=51.536387 + 0.0005)  # ~56 m north
    assert compute_drift(venue(), near) == []
    assert [item["field"] for item in compute_drift(venue(), far)] == ["coordinates"]


def test_a_place_without_a_street_address_drifts():
    assert [item["field"] for item in compute_drift(venue(), place(address=""))] == ["address"]


def test_the_website_is_compared_only_when_the_council_gave_one():
    assert compute_drift(venue(website=""), place(website="https://elsewhere.example")) == []


@pytest.mark.parametrize(
    "address, expected",
    [
        ("2 Town Square, Barking", ("2 Town Square", "Barking")),
        (
            "Marks Gate Community Complex, Rose Lane, Marks Gate",
            ("Marks Gate Community Complex, Rose Lane", "Marks Gate"),
        ),
        ("High Road", ("High Road", "")),
    ],
)
def test_an_address_splits_into_street_and_town(address, expected):
    assert split_address(address) == expected


words = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=10)


@given(
    name=st.lists(words, min_size=1, max_size=4).map(" ".join),
    number=st.integers(min_value=1, max_value=999),
    street=st.lists(words, min_size=1, max_size=3).map(" ".join),
    town=words,
    latitude=st.floats(min_value=49.9, max_value=58.6),
    longitude=st.floats(min_value=-7.5, max_value=1.7),
    category=st.sampled_from(Venue.Category.values),
)
def test_foursquare_listing_the_councils_own_values_never_drifts(
    name, number, street, town, latitude, longitude, category
):
    ours = venue(
        name=name,
        category=category,
        address=f"{number} {street}, {town}",
        latitude=latitude,
        longitude=longitude,
        website="https://example.gov.uk/venue",
    )
    theirs = place(
        name=name.title(),
        address=f"{number} {street}".upper(),
        locality=town,
        postcode="ig11  7nb",
        latitude=latitude,
        longitude=longitude,
        website="http://www.example.gov.uk/venue/",
    )
    assert compute_drift(ours, theirs) == []
