"""The points schemes' back-office pages: superusers only, grouping through the scheme
services, a merged scheme kept as read-only history."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rewards.schemes.models import Scheme, SchemeMember
from rewards.schemes.selectors import points_balances
from rewards.schemes.services import council_scheme_ensure, scheme_create
from tests.factories import CouncilFactory, UserFactory
from tests.rewards.admin.conftest import listed
from tests.rewards.helpers import assert_ledger_audit_passes, give_points

SCHEMES = "/admin/rewards/scheme/"


def change_page(scheme) -> str:
    return f"{SCHEMES}{scheme.pk}/change/"


def scheme_form(name: str, *councils) -> dict:
    return {"name": name, "councils": [str(council.pk) for council in councils]}


def row_cells(client, path=SCHEMES) -> dict[str, dict[str, str]]:
    """The list's rows by scheme name: each column's text."""
    response = client.get(path)
    assert response.status_code == 200
    changelist = response.context["cl"]
    rows = {
        str(scheme): {
            column: str(getattr(changelist.model_admin, column)(scheme))
            for column in ("member_councils", "wallet_count", "points_outstanding")
        }
        for scheme in changelist.result_list
    }
    assert len(rows) == len(changelist.result_list), "a scheme listed twice"
    return rows


def test_a_superuser_groups_two_councils_and_a_residents_points_become_one_balance(
    clients, world, django_capture_on_commit_callbacks
):
    resident = UserFactory()
    give_points(resident, 30, council=world.mine)
    give_points(resident, 12, council=world.theirs)
    old_schemes = [
        council_scheme_ensure(council=world.mine),
        council_scheme_ensure(council=world.theirs),
    ]
    assert [row["points"] for row in points_balances(resident)] == [30, 12]

    with django_capture_on_commit_callbacks(execute=True) as jobs:  # the grouping's job runs
        response = clients.superuser.post(
            f"{SCHEMES}add/", scheme_form("Yorkshire Libraries", world.mine, world.theirs)
        )

    assert response.status_code == 302 and len(jobs) == 1
    grouped = Scheme.objects.get(name="Yorkshire Libraries")
    assert points_balances(resident) == [
        {
            "scheme": grouped.public_id,
            "name": "Yorkshire Libraries",
            "councils": [
                {"id": str(world.mine.pk), "name": "Mine"},
                {"id": str(world.theirs.pk), "name": "Theirs"},
            ],
            "points": 42,
        }
    ]
    for old in old_schemes:
        old.refresh_from_db()
        assert old.merged_into == grouped
    assert_ledger_audit_passes()


@pytest.mark.parametrize("who", ["council_admin", "manager"])
def test_council_admins_and_managers_are_refused_every_scheme_page(clients, world, who):
    client = getattr(clients, who)
    scheme = council_scheme_ensure(council=world.mine)

    index = client.get("/admin/")
    assert index.status_code == 200
    assert SCHEMES not in index.content.decode()
    for path in (SCHEMES, f"{SCHEMES}add/", change_page(scheme)):
        assert client.get(path).status_code == 403, path
    posted = client.post(f"{SCHEMES}add/", scheme_form("Taken over", world.mine, world.theirs))
    assert posted.status_code == 403
    assert not Scheme.objects.filter(name="Taken over").exists()
    assert council_scheme_ensure(council=world.theirs) != council_scheme_ensure(council=world.mine)


@pytest.mark.parametrize("who", ["staff", "resident"])
def test_venue_staff_and_residents_are_sent_away_from_schemes(clients, world, who):
    client = getattr(clients, who)
    for path in (SCHEMES, f"{SCHEMES}add/", change_page(council_scheme_ensure(council=world.mine))):
        assert client.get(path).status_code == 302, path


def test_a_superuser_finds_schemes_on_the_index(clients):
    index = clients.superuser.get("/admin/")
    assert SCHEMES in index.content.decode()
    assert "Points schemes" in index.content.decode()


def test_the_list_shows_councils_wallets_and_points_outstanding(
    clients, world, django_capture_on_commit_callbacks
):
    first, second = UserFactory(), UserFactory()
    give_points(first, 30, council=world.mine)
    give_points(second, 5, council=world.theirs)
    give_points(second, 7, council=world.mine)
    with django_capture_on_commit_callbacks(execute=True):
        scheme_create(name="Yorkshire Libraries", councils=[world.mine, world.theirs])
    alone = CouncilFactory(name="Alone")

    rows = row_cells(clients.superuser)

    assert rows == {
        "Yorkshire Libraries": {
            "member_councils": "Mine, Theirs",
            "wallet_count": "2",
            "points_outstanding": "42",
        },
        "Alone": {"member_councils": "Alone", "wallet_count": "0", "points_outstanding": "0"},
    }
    assert council_scheme_ensure(council=alone).name == "Alone"


def test_merged_schemes_are_listed_only_when_asked_for_with_what_they_joined(clients, world):
    scheme_create(name="Yorkshire Libraries", councils=[world.mine, world.theirs])

    assert listed(clients.superuser, SCHEMES) == {"Yorkshire Libraries"}
    assert listed(clients.superuser, f"{SCHEMES}?merged=yes") == {"Mine", "Theirs"}
    assert listed(clients.superuser, f"{SCHEMES}?merged=all") == {
        "Mine",
        "Theirs",
        "Yorkshire Libraries",
    }
    page = clients.superuser.get(f"{SCHEMES}?merged=yes").content.decode()
    assert page.count(">Yorkshire Libraries</a></td>") == 2


def test_the_lists_queries_do_not_grow_with_the_number_of_schemes(
    clients, world, django_assert_max_num_queries
):
    scheme_create(name="Yorkshire Libraries", councils=[world.mine, world.theirs])
    with CaptureQueriesContext(connection) as few:
        assert len(listed(clients.superuser, SCHEMES)) == 1

    for n in range(10):
        pair = [CouncilFactory(name=f"East {n}"), CouncilFactory(name=f"West {n}")]
        for council in pair:
            give_points(UserFactory(), 3, council=council)
        scheme_create(name=f"Group {n}", councils=pair)
        CouncilFactory(name=f"Alone {n}")

    with django_assert_max_num_queries(len(few)):
        assert len(listed(clients.superuser, SCHEMES)) == 21


def test_the_change_form_renames_and_removes_a_council_which_gets_a_scheme_of_its_own(
    clients, world, django_capture_on_commit_callbacks
):
    resident = UserFactory()
    give_points(resident, 30, council=world.mine)
    give_points(resident, 12, council=world.theirs)
    with django_capture_on_commit_callbacks(execute=True):
        grouped = scheme_create(name="Yorkshire Libraries", councils=[world.mine, world.theirs])

    response = clients.superuser.post(
        change_page(grouped), scheme_form("Mine and friends", world.mine)
    )

    assert response.status_code == 302
    grouped.refresh_from_db()
    assert grouped.name == "Mine and friends"
    assert list(grouped.members.values_list("council", flat=True)) == [world.mine.pk]
    own = council_scheme_ensure(council=world.theirs)
    assert own != grouped
    assert (own.name, own.merged_into) == ("Theirs", None)
    # Theirs keeps nothing: the points earned there stay in the scheme it left.
    assert [(row["name"], row["points"]) for row in points_balances(resident)] == [
        ("Mine and friends", 42)
    ]
    assert_ledger_audit_passes()


def test_the_change_form_shows_the_members_checked(clients, world):
    grouped = scheme_create(name="Yorkshire Libraries", councils=[world.mine, world.theirs])
    CouncilFactory(name="Alone")

    page = clients.superuser.get(change_page(grouped)).content.decode()

    checked = re.findall(
        r'<input type="checkbox" name="councils" value="([^"]+)"[^>]* checked', page
    )
    assert set(checked) == {str(world.mine.pk), str(world.theirs.pk)}
    assert page.count('name="councils"') == 3


def test_a_council_grouped_elsewhere_says_so_on_the_add_form(clients, world):
    scheme_create(name="Yorkshire Libraries", councils=[world.mine, world.theirs])
    CouncilFactory(name="Alone")

    page = clients.superuser.get(f"{SCHEMES}add/").content.decode()

    assert "Mine (now grouped in Yorkshire Libraries)" in page
    assert "Theirs (now grouped in Yorkshire Libraries)" in page
    assert "Alone (now grouped" not in page
    assert "keeps nothing" in page  # the help text on what grouping does to points


def test_a_scheme_without_councils_is_refused_beside_the_field(clients, world):
    response = clients.superuser.post(f"{SCHEMES}add/", scheme_form("Nobody's"))

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "councils": [
            "Choose at least one council: a scheme with none holds points nobody can spend."
        ]
    }
    assert not Scheme.objects.filter(name="Nobody's").exists()


def test_a_merged_schemes_page_is_read_only_and_says_where_it_went(clients, world):
    old = council_scheme_ensure(council=world.mine)
    grouped = scheme_create(name="Yorkshire Libraries", councils=[world.mine, world.theirs])

    page = clients.superuser.get(change_page(old))

    assert page.status_code == 200
    html = page.content.decode()
    assert f'<a href="{change_page(grouped)}">Yorkshire Libraries</a>. Its councils joined' in html
    assert 'name="name"' not in html and 'name="_save"' not in html
    refused = clients.superuser.post(change_page(old), scheme_form("Revived", world.theirs))
    assert refused.status_code == 403
    old.refresh_from_db()
    assert (old.name, old.merged_into) == ("Mine", grouped)
    assert SchemeMember.objects.get(council=world.theirs).scheme == grouped


def test_no_scheme_can_be_deleted(clients, world):
    scheme = council_scheme_ensure(council=world.mine)
    assert clients.superuser.get(f"{SCHEMES}{scheme.pk}/delete/").status_code == 403
    assert (
        clients.superuser.post(f"{SCHEMES}{scheme.pk}/delete/", {"post": "yes"}).status_code == 403
    )
    assert Scheme.objects.filter(pk=scheme.pk).exists()


def test_searching_by_council_name_neither_repeats_a_scheme_nor_adds_up_its_points_twice(
    clients, world, django_capture_on_commit_callbacks
):
    give_points(UserFactory(), 4, council=world.mine)
    with django_capture_on_commit_callbacks(execute=True):
        scheme_create(name="Yorkshire Libraries", councils=[world.mine, world.theirs])

    rows = row_cells(clients.superuser, f"{SCHEMES}?q=i")  # in both "Mine" and "Theirs"

    assert rows == {
        "Yorkshire Libraries": {
            "member_councils": "Mine, Theirs",
            "wallet_count": "1",
            "points_outstanding": "4",
        }
    }
