"""Assertions that tests of several apps share."""

from rest_framework.test import APIClient

from tests.conftest import client_for
from tests.factories import UserFactory, council_admin_of


def assert_head_is_held_to_the_access_of_get(url: str, *, council) -> None:
    """HEAD on a scoped read answers as GET would: 401 signed out, 403 to a resident, 200 to
    the council's admins."""
    assert APIClient().head(url).status_code == 401
    assert client_for(UserFactory()).head(url).status_code == 403
    assert client_for(council_admin_of(council)).head(url).status_code == 200
