import factory
from django.utils.text import slugify

from accounts.member_codes import member_code_of
from accounts.models import User
from venues.models import Council, Role, Venue

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


def council_admin_of(council: Council) -> User:
    return RoleFactory(council=council, role=Role.Kind.COUNCIL_ADMIN).user


def venue_manager_of(venue: Venue) -> User:
    return RoleFactory(council=venue.council, venue=venue, role=Role.Kind.VENUE_MANAGER).user


def venue_staff_of(venue: Venue) -> User:
    return RoleFactory(council=venue.council, venue=venue, role=Role.Kind.VENUE_STAFF).user
