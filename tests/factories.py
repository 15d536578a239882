"""Factories for the models tests build. A model with a service is made by that service
(``_create`` calls it), so a test's rows are what production writes: a check-in is counted in
the daily rollup, a comment needs its author's check-in, an offer has its pool, a catalog item
its stock account, a scheme its councils, a poster its signed code."""

import factory
from django.utils import timezone
from django.utils.text import slugify

from accounts.member_codes import member_code_of
from accounts.models import User
from checkins.comments.services import comment_create
from checkins.models import CheckIn, Comment
from checkins.visit_days import checkin_insert_counted
from rewards.catalog.services import catalog_item_create
from rewards.models import CatalogItem, Offer
from rewards.offers.services import offer_create
from rewards.schemes.models import Scheme
from rewards.schemes.services import scheme_create
from venues.models import Council, Poster, Role, Venue
from venues.posters.services import poster_create

DEFAULT_PASSWORD = "a-long-test-password-42"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    display_name = factory.Faker("first_name")
    # An adult (accounts.ages): the pages ask an account without a birth year for one first.
    birth_year = 1980
    password = factory.PostGenerationMethodCall("set_password", DEFAULT_PASSWORD)

    @factory.post_generation
    def _save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()
            member_code_of(user=obj)  # as registration and the migration give every account one


class CouncilFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Council
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Borough {n} Council")
    slug = factory.LazyAttribute(lambda council: slugify(council.name))
    website = "https://www.example.gov.uk"


class VenueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Venue

    council = factory.SubFactory(CouncilFactory)
    name = factory.Sequence(lambda n: f"Library {n}")
    slug = factory.LazyAttribute(lambda venue: slugify(venue.name))
    category = Venue.Category.LIBRARY
    address = "2 Town Square, Barking"
    postcode = "IG11 7NB"
    latitude = 51.536387
    longitude = 0.079994


class RoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Role

    user = factory.SubFactory(UserFactory)
    council = factory.SubFactory(CouncilFactory)
    role = Role.Kind.COUNCIL_ADMIN
    venue = None


class CheckInFactory(factory.django.DjangoModelFactory):
    """An accepted GPS check-in, written as the check-in service writes it: the row and its
    day in the daily rollup (``checkin_insert_counted``), so the statistics count it. Pass
    ``created_at`` to place it in time."""

    class Meta:
        model = CheckIn

    resident = factory.SubFactory(UserFactory)
    venue = factory.SubFactory(VenueFactory)
    method = "gps"
    evidence = "location"
    distance_m = 5

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        checkin = model_class(*args, **kwargs)
        checkin_insert_counted(checkin=checkin)
        return checkin


class CommentFactory(factory.django.DjangoModelFactory):
    """A visible comment, published by ``comment_create``; its author first checks in at the
    venue (a `CheckInFactory` row, now), as the service requires."""

    class Meta:
        model = Comment

    venue = factory.SubFactory(VenueFactory)
    author = factory.SubFactory(UserFactory)
    body = "Lovely reading room."
    rating = None

    @classmethod
    def _create(cls, model_class, *, venue, author, body, rating):
        CheckInFactory(resident=author, venue=venue, created_at=timezone.now())
        return comment_create(author=author, venue=venue, body=body, rating=rating)


class PosterFactory(factory.django.DjangoModelFactory):
    """A live poster of a venue, with its code and signed token (``poster_create``)."""

    class Meta:
        model = Poster

    venue = factory.SubFactory(VenueFactory)
    label = factory.Sequence(lambda n: f"Entrance {n}")
    created_by = None

    @classmethod
    def _create(cls, model_class, *, venue, label, created_by):
        return poster_create(venue=venue, label=label, created_by=created_by)


class OfferFactory(factory.django.DjangoModelFactory):
    """A venue's offer of points on every check-in (``offer_create``: its pool and budget).
    Any editable field of the service may be given (``rule``, ``voucher_title``...)."""

    class Meta:
        model = Offer

    venue = factory.SubFactory(VenueFactory)
    title = factory.Sequence(lambda n: f"Offer {n}")
    rule = "every_checkin"
    points = 10

    @classmethod
    def _create(cls, model_class, *, venue, council=None, created_by=None, **fields):
        return offer_create(council=council, venue=venue, created_by=created_by, **fields)


class CatalogItemFactory(factory.django.DjangoModelFactory):
    """A council's catalog item with its stock account (``catalog_item_create``)."""

    class Meta:
        model = CatalogItem

    council = factory.SubFactory(CouncilFactory)
    title = factory.Sequence(lambda n: f"Swim pass {n}")
    cost_points = 50

    @classmethod
    def _create(cls, model_class, **fields):
        return catalog_item_create(**fields)


class SchemeFactory(factory.django.DjangoModelFactory):
    """A points scheme shared by ``councils`` (one new council unless given)."""

    class Meta:
        model = Scheme

    name = factory.Sequence(lambda n: f"Scheme {n}")
    councils = factory.LazyFunction(lambda: [CouncilFactory()])

    @classmethod
    def _create(cls, model_class, *, name, councils):
        return scheme_create(name=name, councils=councils)


def council_admin_of(council: Council) -> User:
    return RoleFactory(council=council, role=Role.Kind.COUNCIL_ADMIN).user


def venue_manager_of(venue: Venue) -> User:
    return RoleFactory(council=venue.council, venue=venue, role=Role.Kind.VENUE_MANAGER).user


def venue_staff_of(venue: Venue) -> User:
    return RoleFactory(council=venue.council, venue=venue, role=Role.Kind.VENUE_STAFF).user
