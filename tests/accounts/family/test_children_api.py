"""A family's children over the API (issue 25): a resident aged 18+ adds children, each an
account of its own that never signs in, with a member code; deleting one erases the child's
data as account erasure does."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import MemberCode, User
from tests.api import error, success
from tests.conftest import client_for
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

THIS_YEAR = timezone.localdate().year
CHILDREN = "/api/v1/me/children/"


def add_child(client, first_name="Sam", birth_year=THIS_YEAR - 8) -> dict:
    return success(
        client, "post", CHILDREN, {"first_name": first_name, "birth_year": birth_year}, status=201
    ).json()


def test_a_parent_adds_two_children_each_with_a_member_code(resident, resident_client):
    sam = add_child(resident_client, "Sam", THIS_YEAR - 8)
    alex = add_child(resident_client, "Alex", THIS_YEAR - 11)
    assert set(sam) == {"id", "first_name", "birth_year", "member_code"}
    assert (sam["first_name"], sam["birth_year"]) == ("Sam", THIS_YEAR - 8)
    assert re.fullmatch(r"[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}", sam["member_code"])
    assert sam["member_code"] != alex["member_code"]
    listed = success(resident_client, "get", CHILDREN).json()
    assert listed["count"] == 2
    assert [child["first_name"] for child in listed["results"]] == ["Alex", "Sam"]  # oldest first
    child = User.objects.get(pk=sam["id"])
    assert child.guardian == resident and not child.has_usable_password()
    assert child.email.endswith("@children.invalid")
    assert success(resident_client, "get", f"{CHILDREN}{sam['id']}/").json() == sam


@pytest.mark.parametrize("parent_born_years_ago", [18, 16, None])
def test_only_someone_certainly_18_may_add_children(parent_born_years_ago):
    birth_year = None if parent_born_years_ago is None else THIS_YEAR - parent_born_years_ago
    client = client_for(UserFactory(birth_year=birth_year))
    body = error(
        client,
        "post",
        CHILDREN,
        {"first_name": "Sam", "birth_year": THIS_YEAR - 3},
        status=403,
        code="not_an_adult",
    )
    assert "18" in body["detail"]
    assert not User.objects.filter(guardian__isnull=False).exists()


@pytest.mark.parametrize("birth_year", [THIS_YEAR - 19, THIS_YEAR + 1])
def test_a_child_is_under_18(resident_client, birth_year):
    body = error(
        resident_client,
        "post",
        CHILDREN,
        {"first_name": "Sam", "birth_year": birth_year},
        status=400,
        code="invalid",
    )
    assert "birth_year" in body["fields"]


def test_someone_elses_child_is_not_found(resident_client):
    other = client_for(UserFactory())
    theirs = add_child(other)
    error(resident_client, "get", f"{CHILDREN}{theirs['id']}/", status=404, code="not_found")
    error(resident_client, "delete", f"{CHILDREN}{theirs['id']}/", status=404, code="not_found")
    error(
        resident_client,
        "get",
        f"{CHILDREN}{theirs['id']}/wallet/",
        status=404,
        code="not_found",
    )
    assert User.objects.get(pk=theirs["id"]).erased_at is None


def test_erasure_of_a_child_erases_the_childs_data(resident, resident_client):
    sam = add_child(resident_client)
    success(resident_client, "delete", f"{CHILDREN}{sam['id']}/", status=204)
    child = User.objects.get(pk=sam["id"])
    assert child.erased_at is not None
    assert child.display_name == "Former resident"
    assert child.birth_year is None and child.guardian is None
    assert not child.is_active
    assert not MemberCode.objects.filter(user=child).exists()
    assert success(resident_client, "get", CHILDREN).json()["count"] == 0
    assert User.objects.get(pk=resident.pk).erased_at is None  # the parent stays


def test_erasing_the_parent_erases_the_children_too(resident, resident_client):
    sam = add_child(resident_client)
    success(resident_client, "delete", "/api/v1/me/", status=204)
    assert User.objects.get(pk=sam["id"]).erased_at is not None


def test_a_child_can_never_sign_in(resident_client):
    sam = User.objects.get(pk=add_child(resident_client)["id"])
    # The API's token endpoint: no password can match an unusable one.
    for password in ("", "!", sam.password):
        error(
            APIClient(),
            "post",
            "/api/v1/auth/token/",
            {"email": sam.email, "password": password or "x"},
            status=401,
            code="invalid_credentials",
        )
    # The sign-in page.
    browser = Client()
    page = browser.post("/accounts/login/", {"username": sam.email, "password": sam.password})
    assert page.status_code == 200 and "_auth_user_id" not in browser.session
    # A password reset sends nothing to a child's placeholder address.
    browser.post("/accounts/password-reset/", {"email": sam.email})
    assert mail.outbox == []


def test_the_parents_export_includes_the_children(resident, resident_client):
    sam = add_child(resident_client, "Sam")
    add_child(resident_client, "Alex", THIS_YEAR - 12)
    export = success(resident_client, "get", "/api/v1/me/export/").json()
    children = {child["account"]["first_name"]: child for child in export["children"]}
    assert set(children) == {"Sam", "Alex"}
    assert children["Sam"]["account"]["id"] == sam["id"]
    assert children["Sam"]["account"]["member_code"] == sam["member_code"]
    assert "email" not in children["Sam"]["account"]
    assert "checkins" in children["Sam"]  # each app's sections, the child's own
    assert export["account"]["birth_year"] == resident.birth_year
