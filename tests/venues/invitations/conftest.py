import pytest

from tests.factories import CouncilFactory, VenueFactory, council_admin_of, venue_manager_of


@pytest.fixture
def council(db):
    return CouncilFactory(name="Leeds City Council", slug="leeds")


@pytest.fixture
def venue(council):
    return VenueFactory(council=council, name="Leeds Central Library")


@pytest.fixture
def other_venue(council):
    return VenueFactory(council=council, name="Armley Library")


@pytest.fixture
def admin(council):
    return council_admin_of(council)


@pytest.fixture
def manager(venue):
    return venue_manager_of(venue)


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """``with committed(): ...`` runs what the services inside queue for after their commit
    (the invitation emails), as a real commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)
