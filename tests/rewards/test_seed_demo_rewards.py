"""The demo's poster and rewards: what `make run` loads so the pages have something to show."""

import io

import pytest
from django.core.management import call_command

from rewards.models import CatalogItem, Offer
from venues.models import Poster

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_poster_and_rewards_at_its_venue_however_often_it_runs():
    out = io.StringIO()
    for _ in range(2):
        call_command("seed_demo", force=True, stdout=out)
        call_command("seed_demo_rewards", force=True, stdout=out)

    poster = Poster.objects.get(label="Main entrance (demo)")
    assert poster.venue.name == "Leeds Central library"
    assert f"/q/{poster.token}" in out.getvalue()
    assert set(Offer.objects.values_list("title", "venue__name")) == {
        ("Points for every visit", "Leeds Central library"),
        ("Welcome: a free hot drink", "Leeds Central library"),
    }
    assert CatalogItem.objects.get().title == "Free printing (20 pages)"
    drink = Offer.objects.get(title="Welcome: a free hot drink")
    assert "poster" not in drink.accepts and "desk_screen" in drink.accepts


def test_the_demo_rewards_need_the_demo_venue():
    with pytest.raises(Exception, match="Run seed_demo first"):
        call_command("seed_demo_rewards", force=True, stdout=io.StringIO())
