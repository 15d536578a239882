import uuid

import pytest

from accounts.models import User
from tests.api import error, success
from tests.conftest import client_for
from tests.factories import (
    CouncilFactory,
    RoleFactory,
    UserFactory,
    VenueFactory,
    council_admin_of,
    venue_manager_of,
)
from tests.helpers import assert_head_is_held_to_the_access_of_get
from venues.models import Council, CouncilLink, Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser():
    return UserFactory(is_superuser=True, is_staff=True)


def test_anyone_lists_and_reads_councils(api_client):
    CouncilFactory(name="Leeds City Council", slug="leeds", website="https://www.leeds.gov.uk")
    CouncilFactory(name="Barnet Council", slug="barnet")
    body = success(api_client, "get", "/api/v1/councils/").json()
    assert body["count"] == 2
    assert [council["slug"] for council in body["results"]] == ["barnet", "leeds"]
    leeds = success(api_client, "get", "/api/v1/councils/leeds/").json()
    assert set(leeds) == {"id", "slug", "name", "name_cy", "website", "language", "links"}
    assert leeds["website"] == "https://www.leeds.gov.uk"
    assert leeds["language"] == "en-gb"  # English, Welsh ("cy") or "bilingual"
    assert leeds["links"] == []


def test_a_council_lists_its_labelled_links_in_its_order(api_client):
    leeds = CouncilFactory(slug="leeds")
    other = CouncilFactory(slug="other")
    CouncilLink.objects.create(
        council=leeds, label="Leeds Libraries on Facebook", url="https://facebook.com/leedslibraries",
        position=2,
    )  # fmt: skip
    CouncilLink.objects.create(
        council=leeds, label="Leeds Libraries", label_cy="Llyfrgelloedd Leeds",
        url="https://www.leeds.gov.uk/libraries", position=1,
    )  # fmt: skip
    CouncilLink.objects.create(council=other, label="Elsewhere", url="https://example.org/")
    body = success(api_client, "get", "/api/v1/councils/leeds/").json()
    assert body["links"] == [
        {"label": "Leeds Libraries", "label_cy": "Llyfrgelloedd Leeds",
         "url": "https://www.leeds.gov.uk/libraries"},
        {"label": "Leeds Libraries on Facebook", "label_cy": "",
         "url": "https://facebook.com/leedslibraries"},
    ]  # fmt: skip
    listed = success(api_client, "get", "/api/v1/councils/").json()["results"]
    assert {council["slug"]: len(council["links"]) for council in listed} == {
        "leeds": 2,
        "other": 1,
    }


def test_an_unknown_council_is_not_found(api_client):
    error(api_client, "get", "/api/v1/councils/atlantis/", status=404, code="not_found")


def test_superuser_creates_a_council(superuser):
    body = success(
        client_for(superuser),
        "post",
        "/api/v1/councils/",
        {"slug": "york", "name": "City of York Council"},
        status=201,
    ).json()
    assert body["slug"] == "york" and body["website"] == ""
    assert Council.objects.filter(slug="york").exists()


def test_a_taken_council_slug_is_council_exists(superuser):
    CouncilFactory(slug="york")
    error(
        client_for(superuser),
        "post",
        "/api/v1/councils/",
        {"slug": "york", "name": "York"},
        status=409,
        code="council_exists",
    )


def test_a_bad_council_slug_is_invalid(superuser):
    body = error(
        client_for(superuser),
        "post",
        "/api/v1/councils/",
        {"slug": "not a slug", "name": "X"},
        status=400,
        code="invalid",
    )
    assert "slug" in body["fields"]


def test_only_superusers_create_councils(api_client):
    council = CouncilFactory()
    admin = council_admin_of(council)
    error(
        client_for(admin),
        "post",
        "/api/v1/councils/",
        {"slug": "new", "name": "New"},
        status=403,
        code="permission_denied",
    )
    error(
        api_client,
        "post",
        "/api/v1/councils/",
        {"slug": "new", "name": "New"},
        status=401,
        code="not_authenticated",
    )
    assert not Council.objects.filter(slug="new").exists()


class TestMembers:
    def test_council_admin_grants_a_venue_role_to_an_existing_account(self):
        venue = VenueFactory()
        admin = council_admin_of(venue.council)
        colleague = UserFactory(email="manager@example.org")
        body = success(
            client_for(admin),
            "post",
            f"/api/v1/councils/{venue.council.slug}/members/",
            {"email": "Manager@Example.org", "role": "venue_manager", "venue": str(venue.id)},
            status=201,
        ).json()
        assert body["email"] == "manager@example.org"
        assert body["role"] == "venue_manager" and body["venue"] == str(venue.id)
        role = Role.objects.get(id=body["id"])
        assert (role.user, role.venue, role.granted_by) == (colleague, venue, admin)
        colleague.refresh_from_db()
        assert colleague.is_staff  # managers work in the back office too

    def test_superuser_grants_council_admin(self, superuser):
        council = CouncilFactory()
        UserFactory(email="chief@example.org")
        body = success(
            client_for(superuser),
            "post",
            f"/api/v1/councils/{council.slug}/members/",
            {"email": "chief@example.org", "role": "council_admin"},
            status=201,
        ).json()
        assert body["venue"] is None

    def test_granting_to_an_unknown_email_is_unknown_user(self):
        council = CouncilFactory()
        body = error(
            client_for(council_admin_of(council)),
            "post",
            f"/api/v1/councils/{council.slug}/members/",
            {"email": "stranger@example.org", "role": "council_admin"},
            status=400,
            code="unknown_user",
        )
        assert "email" in body["fields"]

    def test_a_venue_role_needs_a_venue_of_this_council(self):
        council = CouncilFactory()
        other_venue = VenueFactory()
        UserFactory(email="m@example.org")
        client = client_for(council_admin_of(council))
        path = f"/api/v1/councils/{council.slug}/members/"
        error(
            client,
            "post",
            path,
            {"email": "m@example.org", "role": "venue_staff"},
            status=400,
            code="invalid",
        )
        error(
            client,
            "post",
            path,
            {"email": "m@example.org", "role": "venue_staff", "venue": str(other_venue.id)},
            status=400,
            code="invalid",
        )
        error(
            client,
            "post",
            path,
            {"email": "m@example.org", "role": "venue_staff", "venue": str(uuid.uuid4())},
            status=400,
            code="invalid",
        )
        error(
            client,
            "post",
            path,
            {"email": "m@example.org", "role": "council_admin", "venue": str(other_venue.id)},
            status=400,
            code="invalid",
        )
        assert not Role.objects.filter(user__email="m@example.org").exists()

    def test_granting_the_same_role_twice_is_role_exists(self):
        council = CouncilFactory()
        UserFactory(email="twice@example.org")
        client = client_for(council_admin_of(council))
        data = {"email": "twice@example.org", "role": "council_admin"}
        success(client, "post", f"/api/v1/councils/{council.slug}/members/", data, status=201)
        error(
            client,
            "post",
            f"/api/v1/councils/{council.slug}/members/",
            data,
            status=409,
            code="role_exists",
        )

    def test_list_shows_the_councils_members_only(self):
        council, other = CouncilFactory(), CouncilFactory()
        admin = council_admin_of(council)
        council_admin_of(other)
        body = success(client_for(admin), "get", f"/api/v1/councils/{council.slug}/members/").json()
        assert body["count"] == 1
        assert body["results"][0]["email"] == admin.email

    def test_revoke_removes_the_role_and_back_office_access(self):
        venue = VenueFactory()
        admin = council_admin_of(venue.council)
        manager = UserFactory(is_staff=True)
        role = RoleFactory(
            user=manager, council=venue.council, venue=venue, role=Role.Kind.VENUE_MANAGER
        )
        client = client_for(admin)
        success(
            client,
            "delete",
            f"/api/v1/councils/{venue.council.slug}/members/{role.id}/",
            status=204,
        )
        assert not Role.objects.filter(id=role.id).exists()
        manager.refresh_from_db()
        assert not manager.is_staff

    def test_revoking_another_councils_role_is_not_found(self):
        council, other = CouncilFactory(), CouncilFactory()
        foreign_role = RoleFactory(council=other)
        error(
            client_for(council_admin_of(council)),
            "delete",
            f"/api/v1/councils/{council.slug}/members/{foreign_role.id}/",
            status=404,
            code="not_found",
        )
        assert Role.objects.filter(id=foreign_role.id).exists()

    @pytest.mark.parametrize("method", ["get", "post"])
    def test_council_b_admin_and_a_venue_manager_cannot_touch_council_a_members(self, method):
        council_a = VenueFactory().council
        council_b = CouncilFactory()
        UserFactory(email="x@example.org")
        data = {"email": "x@example.org", "role": "council_admin"} if method == "post" else None
        path = f"/api/v1/councils/{council_a.slug}/members/"
        for outsider in (
            council_admin_of(council_b),
            venue_manager_of(council_a.venues.first()),
            UserFactory(),
        ):
            error(client_for(outsider), method, path, data, status=403, code="permission_denied")
        assert not User.objects.get(email="x@example.org").roles.exists()

    def test_revoke_by_an_outsider_is_refused(self, api_client):
        council = CouncilFactory()
        role = RoleFactory(council=council)
        path = f"/api/v1/councils/{council.slug}/members/{role.id}/"
        error(
            client_for(council_admin_of(CouncilFactory())),
            "delete",
            path,
            status=403,
            code="permission_denied",
        )
        error(api_client, "delete", path, status=401, code="not_authenticated")
        assert Role.objects.filter(id=role.id).exists()


def test_head_on_the_members_is_held_to_the_same_access_as_get():
    venue = VenueFactory()
    assert_head_is_held_to_the_access_of_get(
        f"/api/v1/councils/{venue.council.slug}/members/", council=venue.council
    )
