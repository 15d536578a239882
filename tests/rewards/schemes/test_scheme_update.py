"""`scheme_update` and `scheme_create` called directly: what the back office's scheme form
saves through, and what they refuse."""

import pytest

from backend.errors import ApplicationError
from rewards.schemes.services import council_scheme_ensure, scheme_create, scheme_update
from tests.factories import CouncilFactory


@pytest.fixture
def councils(db):
    return CouncilFactory(name="Leeds"), CouncilFactory(name="York")


def test_scheme_update_renames_and_sets_the_members(councils):
    leeds, york = councils
    scheme = council_scheme_ensure(council=leeds)

    updated = scheme_update(scheme=scheme, name="Yorkshire Libraries", councils=[leeds, york])

    assert updated.pk == scheme.pk
    scheme.refresh_from_db()
    assert scheme.name == "Yorkshire Libraries"
    assert council_scheme_ensure(council=york) == scheme


def test_a_scheme_without_councils_is_refused_on_the_field(councils):
    leeds, _ = councils
    scheme = council_scheme_ensure(council=leeds)

    with pytest.raises(ApplicationError) as refused:
        scheme_update(scheme=scheme, name="Renamed", councils=[])
    assert list(refused.value.extra["fields"]) == ["councils"]
    with pytest.raises(ApplicationError):
        scheme_create(name="Nobody's", councils=[])
    scheme.refresh_from_db()
    assert scheme.name == "Leeds"


def test_a_merged_scheme_cannot_be_renamed_or_given_councils(councils):
    leeds, york = councils
    old = council_scheme_ensure(council=leeds)
    grouped = scheme_create(name="Yorkshire Libraries", councils=[leeds, york])

    with pytest.raises(ApplicationError) as refused:
        scheme_update(scheme=old, name="Revived", councils=[york])

    assert refused.value.extra["fields"] == {
        None: ["This scheme was merged into Yorkshire Libraries: it cannot change."]
    }
    old.refresh_from_db()
    assert (old.name, old.merged_into) == ("Leeds", grouped)
    assert council_scheme_ensure(council=york) == grouped
