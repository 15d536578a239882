"""Ages at sign-up (issue 25): the birth year is asked, anyone who might be under 13 is refused
on the API and the page, and accounts made before ages were asked are asked once, on their next
page, before anything else."""

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts import ages
from accounts.models import User
from tests.api import error, success
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

STRONG = "correct-horse-battery-staple"
THIS_YEAR = timezone.localdate().year


def registration(**overrides) -> dict:
    return {
        "email": "kid@example.org",
        "password": STRONG,
        "display_name": "Kid",
        "birth_year": THIS_YEAR - 30,
    } | overrides


@pytest.mark.parametrize("years_ago", [0, 5, 12, 13])
def test_under_13_refused_on_the_api_with_too_young(api_client, years_ago):
    # Born 13 years ago this calendar year: might still be 12 (birthday to come), so refused.
    body = error(
        api_client,
        "post",
        "/api/v1/auth/register/",
        registration(birth_year=THIS_YEAR - years_ago),
        status=400,
        code="too_young",
    )
    assert "parent or carer" in body["detail"]
    assert "birth_year" in body["fields"]
    assert not User.objects.exists()


def test_someone_certainly_13_may_register_and_me_shows_the_year(api_client):
    body = success(
        api_client,
        "post",
        "/api/v1/auth/register/",
        registration(birth_year=THIS_YEAR - 14),
        status=201,
    ).json()
    assert body["birth_year"] == THIS_YEAR - 14
    user = User.objects.get(pk=body["id"])
    assert user.birth_year == THIS_YEAR - 14
    client = APIClient()
    client.force_authenticate(user)
    assert success(client, "get", "/api/v1/me/").json()["birth_year"] == THIS_YEAR - 14


@pytest.mark.parametrize("birth_year", [None, "", "nineteen", THIS_YEAR + 1, 1700])
def test_registration_without_a_believable_birth_year_is_invalid(api_client, birth_year):
    data = registration(birth_year=birth_year)
    if birth_year is None:
        del data["birth_year"]
    body = error(api_client, "post", "/api/v1/auth/register/", data, status=400, code="invalid")
    assert "birth_year" in body["fields"]
    assert not User.objects.exists()


def test_me_shows_a_null_birth_year_for_an_account_made_before_ages_were_asked():
    client = APIClient()
    client.force_authenticate(UserFactory(birth_year=None))
    assert success(client, "get", "/api/v1/me/").json()["birth_year"] is None


def test_under_13_refused_on_the_page_with_words_a_child_understands(client):
    page = client.post(
        "/accounts/register/",
        {
            "display_name": "Ali",
            "email": "ali@example.org",
            "password": STRONG,
            "birth_year": str(THIS_YEAR - 9),
        },
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert "Ask a parent or carer to help" in html
    assert "You need to be 13 or older to have your own account." in html
    assert not User.objects.exists()
    assert "_auth_user_id" not in client.session


def test_the_register_page_asks_the_year_in_plain_words(client):
    html = client.get("/accounts/register/").content.decode()
    assert 'for="id_birth_year"' in html
    assert "What year were you born?" in html


def test_an_account_without_a_birth_year_is_asked_once_before_anything_else(client):
    user = UserFactory(birth_year=None)
    client.force_login(user)
    held = client.get("/wallet/")
    assert held.status_code == 302
    assert held["Location"] == "/account/birth-year/?next=%2Fwallet%2F"
    answered = client.post("/account/birth-year/", {"birth_year": "1975", "next": "/wallet/"})
    assert answered.status_code == 302 and answered["Location"] == "/wallet/"
    user.refresh_from_db()
    assert user.birth_year == 1975
    assert client.get("/wallet/").status_code == 200
    # Answered once: the question page only sends them on now.
    assert client.get("/account/birth-year/?next=/wallet/")["Location"] == "/wallet/"


def test_the_api_keeps_working_for_an_account_without_a_birth_year():
    client = APIClient()
    client.force_authenticate(UserFactory(birth_year=None))
    success(client, "get", "/api/v1/me/ledger/")


def test_an_existing_account_giving_an_under_13_year_is_not_recorded(client):
    user = UserFactory(birth_year=None)
    client.force_login(user)
    page = client.post("/account/birth-year/", {"birth_year": str(THIS_YEAR - 10)})
    assert "Ask a parent or carer to help" in page.content.decode()
    user.refresh_from_db()
    assert user.birth_year is None


def test_ages_take_the_younger_possibility():
    assert ages.youngest_possible_age(THIS_YEAR - 13) == 12
    assert ages.is_too_young_to_register(THIS_YEAR - 13)
    assert not ages.is_too_young_to_register(THIS_YEAR - 14)
    assert not ages.is_certainly_adult(THIS_YEAR - 18)
    assert ages.is_certainly_adult(THIS_YEAR - 19)
    assert ages.is_minor(UserFactory.build(birth_year=THIS_YEAR - 18))
    assert not ages.is_minor(UserFactory.build(birth_year=THIS_YEAR - 19))
    assert not ages.is_minor(UserFactory.build(birth_year=None))
