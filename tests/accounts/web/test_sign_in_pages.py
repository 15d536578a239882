"""The web sign-in pages: session sign-in, registration, sign-out, password reset by email,
and the brute-force lockout shared with the API's token endpoint."""

import re

import pytest
from django.core import mail

from accounts.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


@pytest.fixture
def member():
    return UserFactory(email="rosa@example.org", password=PASSWORD, display_name="Rosa")


def test_sign_in_page_has_labelled_email_and_password_fields(client):
    page = client.get("/accounts/login/")
    assert page.status_code == 200
    html = page.content.decode()
    assert re.search(r'<label[^>]*for="id_username"[^>]*>Email</label>', html)
    assert re.search(r'<label[^>]*for="id_password"[^>]*>Password</label>', html)
    assert "Content-Security-Policy" in page.headers


def test_signing_in_goes_back_to_next(client, member):
    answer = client.post(
        "/accounts/login/",
        {"username": "ROSA@example.org ", "password": PASSWORD, "next": "/desk/"},
    )
    assert answer.status_code == 302 and answer.headers["Location"] == "/desk/"
    assert client.session["_auth_user_id"] == str(member.pk)


def test_next_pointing_off_site_is_ignored(client, member):
    answer = client.post(
        "/accounts/login/",
        {"username": member.email, "password": PASSWORD, "next": "https://evil.example/"},
    )
    assert answer.status_code == 302 and answer.headers["Location"] == "/"


def test_a_wrong_password_is_shown_on_the_form(client, member):
    page = client.post("/accounts/login/", {"username": member.email, "password": "nope"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "There is a problem" in html and "The email or password is wrong." in html
    assert "_auth_user_id" not in client.session


def test_registration_signs_the_new_resident_in(client):
    answer = client.post(
        "/accounts/register/",
        {
            "display_name": "Sam",
            "email": "Sam@Example.org",
            "password": PASSWORD,
            "birth_year": "1990",
            "next": "/q/abc",
        },
    )
    assert answer.status_code == 302 and answer.headers["Location"] == "/q/abc"
    user = User.objects.get(email="sam@example.org")
    assert client.session["_auth_user_id"] == str(user.pk)


@pytest.mark.parametrize(
    ("email", "password", "field", "message"),
    [
        ("rosa@example.org", PASSWORD, "email", "An account with this email already exists."),
        ("new@example.org", "12345678", "password", "This password is entirely numeric."),
    ],
)
def test_registration_refusals_appear_beside_their_field(
    client, member, email, password, field, message
):
    page = client.post(
        "/accounts/register/",
        {"display_name": "X", "email": email, "password": password, "birth_year": "1990"},
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert message in html
    assert f'href="#id_{field}"' in html  # the summary links to the field
    assert User.objects.count() == 1


def test_sign_out_is_a_post(client, member):
    client.force_login(member)
    assert client.get("/accounts/logout/").status_code == 405
    answer = client.post("/accounts/logout/")
    assert answer.status_code == 302 and answer.headers["Location"] == "/accounts/login/"
    assert "_auth_user_id" not in client.session


def test_password_reset_sends_a_link_that_sets_a_new_password(client, member):
    answer = client.post("/accounts/password-reset/", {"email": "Rosa@Example.org"})
    assert answer.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["rosa@example.org"]
    link = re.search(r"http://testserver(/accounts/password-reset/\S+/)", message.body).group(1)
    form = client.get(link, follow=True)
    assert form.status_code == 200 and "Choose a new password" in form.content.decode()
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "a new long passphrase", "new_password2": "a new long passphrase"},
    )
    assert done.status_code == 302
    member.refresh_from_db()
    assert member.check_password("a new long passphrase")


def test_password_reset_of_an_unknown_email_sends_nothing_and_says_the_same(client):
    answer = client.post("/accounts/password-reset/", {"email": "nobody@example.org"})
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/sent/")
    assert mail.outbox == []


class TestLockout:
    def test_five_failures_pause_the_account_from_that_address(self, client, member, settings):
        settings.AXES_FAILURE_LIMIT = 5
        for _ in range(5):
            client.post("/accounts/login/", {"username": member.email, "password": "wrong"})
        page = client.post("/accounts/login/", {"username": member.email, "password": PASSWORD})
        assert page.status_code == 429
        assert "Too many failed sign-in attempts" in page.content.decode()
        assert "_auth_user_id" not in client.session

    def test_the_api_token_endpoint_counts_the_same_failures(self, client, member):
        for _ in range(5):
            client.post("/accounts/login/", {"username": member.email, "password": "wrong"})
        answer = client.post(
            "/api/v1/auth/token/",
            {"email": member.email, "password": PASSWORD},
            content_type="application/json",
        )
        assert answer.status_code == 429
        assert answer.json()["code"] == "throttled"

    def test_the_admin_sign_in_is_locked_too(self, client, member):
        for _ in range(5):
            client.post("/admin/login/", {"username": member.email, "password": "wrong"})
        page = client.post("/admin/login/", {"username": member.email, "password": PASSWORD})
        assert page.status_code == 429

    def test_another_account_from_the_same_address_is_not_locked(self, client, member):
        other = UserFactory(email="sam@example.org", password=PASSWORD)
        for _ in range(5):
            client.post("/accounts/login/", {"username": member.email, "password": "wrong"})
        answer = client.post("/accounts/login/", {"username": other.email, "password": PASSWORD})
        assert answer.status_code == 302


def test_the_lockout_page_and_api_answer_are_welsh_for_a_welsh_reader(client, member, settings):
    settings.AXES_FAILURE_LIMIT = 5
    for _ in range(5):
        client.post("/accounts/login/", {"username": member.email, "password": "wrong"})
    page = client.post(
        "/accounts/login/",
        {"username": member.email, "password": PASSWORD},
        HTTP_ACCEPT_LANGUAGE="cy",
    )
    html = page.content.decode()
    assert page.status_code == 429
    assert "Mewngofnodi wedi" in html and "wedi&#x27;i oedi am 15 munud." in html
    assert "Too many" not in html and "Sign-in paused" not in html
    answer = client.post(
        "/api/v1/auth/token/",
        {"email": member.email, "password": PASSWORD},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="cy",
    )
    assert answer.json()["detail"].startswith("Gormod o ymdrechion aflwyddiannus i fewngofnodi.")


def test_the_reset_email_names_the_service_of_this_deployment_in_the_readers_language(
    client, member, settings
):
    settings.SERVICE_NAME = "Leeds check-ins"
    settings.SERVICE_NAME_CY = "Gwirio i mewn: Cyngor Gwynedd"
    client.post("/accounts/password-reset/", {"email": member.email}, HTTP_ACCEPT_LANGUAGE="cy")
    client.post("/accounts/password-reset/", {"email": member.email})
    welsh, english = mail.outbox
    assert welsh.subject == "Ailosod eich cyfrinair ar gyfer Gwirio i mewn: Cyngor Gwynedd"
    assert english.subject == "Reset your password for Leeds check-ins"


def test_every_page_carries_the_service_name_setting(client, settings):
    settings.SERVICE_NAME_CY = "Gwirio i mewn: Cyngor Gwynedd"
    page = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="cy").content.decode()
    assert "Gwirio i mewn: Cyngor Gwynedd</title>" in page
    assert 'class="site-header__name" href="/">Gwirio i mewn: Cyngor Gwynedd</a>' in page


def test_the_welsh_error_summary_has_the_standard_heading(client, member):
    page = client.post(
        "/accounts/login/",
        {"username": member.email, "password": "wrong"},
        HTTP_ACCEPT_LANGUAGE="cy",
    )
    assert "Mae problem wedi codi</h2>" in page.content.decode()
