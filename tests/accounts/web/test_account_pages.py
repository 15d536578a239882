"""/account/: a person's own account, from the pages: name, email (confirmed from the new
address), password (other sessions end), download, delete; and a superuser's erasure."""

import json
import re

import pytest
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.test import Client

from accounts.models import User
from checkins.models import CheckIn, Comment
from tests.factories import DEFAULT_PASSWORD, UserFactory, VenueFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def rosa():
    return UserFactory(email="rosa@example.org", display_name="Rosa")


def signed_in(user) -> Client:
    client = Client()
    client.post("/accounts/login/", {"username": user.email, "password": DEFAULT_PASSWORD})
    assert client.session[SESSION_KEY] == str(user.pk)
    return client


def is_signed_in(client) -> bool:
    return client.get("/account/").status_code == 200


def test_the_account_page_needs_signing_in():
    answer = Client().get("/account/")
    assert answer.status_code == 302 and answer["Location"] == "/accounts/login/?next=/account/"


def test_the_account_page_links_each_thing_a_person_may_do(rosa):
    html = signed_in(rosa).get("/account/").content.decode()
    for href in (
        "/account/email/",
        "/account/password/",
        "/account/download/",
        "/account/delete/",
        "/privacy/",
        "/me/comments/",
    ):
        assert f'href="{href}"' in html, href
    assert "rosa@example.org" in html and 'value="Rosa"' in html


def test_the_reply_emails_choice_is_made_on_the_account_page_too(rosa):
    client = signed_in(rosa)
    assert 'name="wants_reply_emails" id="id_wants_reply_emails" checked' in (
        client.get("/account/").content.decode()
    )
    answer = client.post("/me/comments/emails", {"from": "account"})
    assert answer.status_code == 302 and answer["Location"] == "/account/"
    html = client.get("/account/").content.decode()
    assert "We will not email you when a venue replies to your comment." in html
    assert (
        'id="id_wants_reply_emails">' in html
        and "checked" not in html.split('name="wants_reply_emails"')[1].split(">")[0]
    )


def test_changing_the_name(rosa):
    client = signed_in(rosa)
    answer = client.post("/account/", {"display_name": "  Rosa M  "})
    assert answer.status_code == 302
    rosa.refresh_from_db()
    assert rosa.display_name == "Rosa M"
    empty = client.post("/account/", {"display_name": "   "})
    assert empty.status_code == 400


def confirmation_link() -> str:
    return re.search(r"https?://[^/\s]+(/account/email/confirm/\S+/)", mail.outbox[-1].body)[1]


def test_a_new_email_changes_only_when_the_link_sent_to_it_is_followed(rosa):
    client = signed_in(rosa)
    answer = client.post("/account/email/", {"email": "Rosa.New@Example.org"})
    assert answer.status_code == 302
    assert mail.outbox[-1].to == ["rosa.new@example.org"]
    rosa.refresh_from_db()
    assert rosa.email == "rosa@example.org"  # not yet
    link = confirmation_link()
    asked = Client().get(link)  # a mail scanner opening the link changes nothing
    assert asked.status_code == 200 and "rosa.new@example.org" in asked.content.decode()
    rosa.refresh_from_db()
    assert rosa.email == "rosa@example.org"

    assert Client().post(link).status_code == 302
    rosa.refresh_from_db()
    assert rosa.email == "rosa.new@example.org"
    assert mail.outbox[-1].to == ["rosa@example.org"]  # the old address is told
    assert "rosa.new@example.org" in mail.outbox[-1].body
    assert Client().post(link).status_code == 410  # once only


def test_an_email_change_link_lapses(rosa, clock):
    signed_in(rosa).post("/account/email/", {"email": "new@example.org"})
    link = confirmation_link()
    clock.advance(hours=24, seconds=1)
    assert Client().post(link).status_code == 410
    rosa.refresh_from_db()
    assert rosa.email == "rosa@example.org"


def test_another_accounts_email_is_refused_beside_the_field(rosa):
    UserFactory(email="taken@example.org")
    page = signed_in(rosa).post("/account/email/", {"email": "taken@example.org"})
    assert page.status_code == 400
    assert "An account with this email already exists." in page.content.decode()
    assert mail.outbox == []


def test_a_link_whose_address_was_taken_meanwhile_changes_nothing(rosa):
    signed_in(rosa).post("/account/email/", {"email": "new@example.org"})
    UserFactory(email="new@example.org")
    page = Client().post(confirmation_link())
    assert page.status_code == 400
    rosa.refresh_from_db()
    assert rosa.email == "rosa@example.org"


def test_changing_the_password_keeps_this_session_and_ends_the_others(rosa):
    here, elsewhere = signed_in(rosa), signed_in(rosa)
    answer = here.post(
        "/account/password/",
        {
            "old_password": DEFAULT_PASSWORD,
            "new_password1": "a brand new passphrase",
            "new_password2": "a brand new passphrase",
        },
    )
    assert answer.status_code == 302 and answer["Location"] == "/account/"
    assert is_signed_in(here)
    assert not is_signed_in(elsewhere)
    rosa.refresh_from_db()
    assert rosa.check_password("a brand new passphrase")


def test_a_wrong_current_password_changes_nothing(rosa):
    client = signed_in(rosa)
    page = client.post(
        "/account/password/",
        {
            "old_password": "nope",
            "new_password1": "a new passphrase x",
            "new_password2": "a new passphrase x",
        },
    )
    assert page.status_code == 200 and "There is a problem" in page.content.decode()
    rosa.refresh_from_db()
    assert rosa.check_password(DEFAULT_PASSWORD)


def test_a_password_reset_by_email_ends_every_session(rosa):
    phone, laptop = signed_in(rosa), signed_in(rosa)
    app = Client().post(
        "/api/v1/auth/token/",
        {"email": rosa.email, "password": DEFAULT_PASSWORD},
        content_type="application/json",
    )
    assert app.status_code == 200
    Client().post("/accounts/password-reset/", {"email": rosa.email})
    link = re.search(r"http://testserver(/accounts/password-reset/\S+/)", mail.outbox[-1].body)[1]
    browser = Client()
    form = browser.get(link, follow=True)
    browser.post(
        form.redirect_chain[-1][0],
        {"new_password1": "a reset passphrase 7", "new_password2": "a reset passphrase 7"},
    )
    assert not is_signed_in(phone) and not is_signed_in(laptop)
    assert not is_signed_in(browser)  # a reset signs nobody in; the person signs in again
    # ... and the app's sign-in ends too: its refresh token is refused.
    refresh = Client().post(
        "/api/v1/auth/token/refresh/",
        {"refresh": app.json()["refresh"]},
        content_type="application/json",
    )
    assert refresh.status_code == 401


def test_the_download_is_everything_held_as_json(rosa):
    venue = VenueFactory()
    CheckIn.objects.create(
        resident=rosa, venue=venue, method="gps", evidence="location", distance_m=5
    )
    answer = signed_in(rosa).get("/account/download/")
    assert answer.status_code == 200
    assert answer["Content-Type"] == "application/json; charset=utf-8"
    assert answer["Content-Disposition"].startswith('attachment; filename="my-data-')
    data = json.loads(answer.content)
    assert data["account"]["email"] == "rosa@example.org"
    assert [row["venue"] for row in data["checkins"]] == [str(venue.pk)]


def test_deleting_asks_for_the_password(rosa):
    client = signed_in(rosa)
    page = client.post("/account/delete/", {"password": "not it"})
    assert page.status_code == 400 and "The password is wrong." in page.content.decode()
    rosa.refresh_from_db()
    assert rosa.erased_at is None and rosa.is_active


def test_deleting_the_account_from_the_page_erases_it_and_signs_out(rosa):
    venue = VenueFactory()
    CheckIn.objects.create(
        resident=rosa,
        venue=venue,
        method="gps",
        evidence="location",
        distance_m=5,
        latitude=51.5,
        longitude=0.1,
    )
    Comment.objects.create(venue=venue, author=rosa, body="Lovely")
    client = signed_in(rosa)
    answer = client.post("/account/delete/", {"password": DEFAULT_PASSWORD})
    assert answer.status_code == 302 and answer["Location"] == "/"
    rosa.refresh_from_db()
    assert rosa.erased_at is not None and not rosa.is_active
    assert rosa.email != "rosa@example.org" and rosa.display_name == "Former resident"
    assert not Comment.objects.filter(author=rosa).exists()
    assert CheckIn.objects.get(resident=rosa).latitude is None  # the visit stays, the place goes
    assert not is_signed_in(client)
    assert "Your account has been deleted." in client.get("/").content.decode()
    assert (
        Client()
        .post("/accounts/login/", {"username": "rosa@example.org", "password": DEFAULT_PASSWORD})
        .status_code
        == 200
    )  # no account to sign in to


def test_a_superuser_erases_a_resident_with_history_in_the_back_office(rosa):
    CheckIn.objects.create(
        resident=rosa, venue=VenueFactory(), method="gps", evidence="location", distance_m=5
    )
    superuser = UserFactory(is_superuser=True, is_staff=True)
    client = Client()
    client.force_login(superuser)
    asked = client.post(
        "/admin/accounts/user/",
        {"action": "erase_personal_data", "_selected_action": [str(rosa.pk), str(superuser.pk)]},
    )
    assert asked.status_code == 200
    assert "Erase these people" in asked.content.decode()
    rosa.refresh_from_db()
    assert rosa.erased_at is None  # asked first
    done = client.post(
        "/admin/accounts/user/",
        {
            "action": "erase_personal_data",
            "_selected_action": [str(rosa.pk), str(superuser.pk)],
            "confirmed": "yes",
        },
    )
    assert done.status_code == 302
    rosa.refresh_from_db()
    superuser.refresh_from_db()
    assert rosa.erased_at is not None and CheckIn.objects.filter(resident=rosa).count() == 1
    assert superuser.erased_at is None  # never oneself
    assert User.objects.filter(pk=rosa.pk).exists()
    delete_page = client.get(f"/admin/accounts/user/{rosa.pk}/delete/")
    assert delete_page.status_code == 403  # nobody is deleted, only erased
