"""The factories write what the services write (tests/factories.py)."""

import pytest

from backend.errors import ApplicationError
from checkins.models import Comment, VisitDay
from checkins.visit_days import local_day
from rewards.schemes.models import SchemeMember
from tests.factories import (
    CatalogItemFactory,
    CheckInFactory,
    CommentFactory,
    CouncilFactory,
    OfferFactory,
    PosterFactory,
    SchemeFactory,
    VenueFactory,
)
from venues.posters.tokens import verify_poster_token

pytestmark = pytest.mark.django_db


def test_a_check_in_is_counted_in_its_day_as_the_service_counts_it():
    checkin = CheckInFactory()
    day = VisitDay.objects.get(venue=checkin.venue, resident=checkin.resident)
    assert (day.day, day.checkins) == (local_day(checkin.created_at), 1)
    assert day.is_first_at_venue and day.is_first_in_council


def test_a_comment_comes_with_its_authors_check_in():
    comment = CommentFactory(rating=4)
    assert comment.status == "visible" and comment.rating == 4
    assert comment.author.checkins.filter(venue=comment.venue).exists()


def test_a_poster_has_a_code_its_signed_token_names():
    poster = PosterFactory()
    assert verify_poster_token(poster.token).code == poster.code


def test_an_offer_has_its_pool_and_a_catalog_item_its_stock():
    offer = OfferFactory(points=25)
    assert offer.pool_id is not None and offer.points == 25
    item = CatalogItemFactory(stock=3)
    assert item.stock == 3 and item.cost_points == 50


def test_a_scheme_joins_its_councils():
    leeds, york = CouncilFactory(), CouncilFactory()
    scheme = SchemeFactory(councils=[leeds, york])
    assert set(SchemeMember.objects.filter(scheme=scheme).values_list("council", flat=True)) == {
        leeds.pk,
        york.pk,
    }


def test_a_comment_the_service_refuses_is_not_made():
    venue = VenueFactory()
    with pytest.raises(ApplicationError) as refused:
        CommentFactory(venue=venue, body="")
    assert refused.value.code == "invalid"
    assert not Comment.objects.filter(venue=venue).exists()
