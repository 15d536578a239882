"""The 400, 403, 404 and 500 pages: the site's layout, the reader's language, a way home,
never a trace; under /api/ the JSON envelope."""

from html import unescape

import pytest
from django.test import Client

from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.backend.failing_urls")]


def welsh() -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE="cy", raise_request_exception=False)


def english() -> Client:
    return Client(raise_request_exception=False)


def assert_in_the_sites_layout(html: str) -> None:
    assert 'class="site-header"' in html and 'href="/accessibility/"' in html
    assert 'class="button" href="/"' in html  # the way home


def test_404_is_a_page_in_the_sites_layout():
    page = english().get("/nowhere/")
    assert page.status_code == 404
    html = page.content.decode()
    assert_in_the_sites_layout(html)
    assert "<h1>Page not found</h1>" in html and 'lang="en-GB"' in html
    assert "Content-Security-Policy" in page


def test_404_in_welsh():
    page = welsh().get("/nowhere/")
    html = unescape(page.content.decode())
    assert page.status_code == 404 and 'lang="cy"' in html
    assert "<h1>Heb ddod o hyd i'r dudalen</h1>" in html
    assert "Mynd i'r hafan" in html and "Datganiad hygyrchedd" in html


def test_500_is_a_page_without_a_trace():
    page = english().get("/boom/")
    assert page.status_code == 500
    html = page.content.decode()
    assert_in_the_sites_layout(html)
    assert "Sorry, there is a problem with the service" in html
    assert "RuntimeError" not in html and "a bug" not in html and "Traceback" not in html


def test_500_in_welsh():
    page = welsh().get("/boom/")
    html = unescape(page.content.decode())
    assert page.status_code == 500 and 'lang="cy"' in html
    assert "<h1>Mae'n ddrwg gennym, mae problem gyda'r gwasanaeth</h1>" in html


def test_the_500_page_reads_no_session(django_assert_num_queries):
    client = english()
    client.force_login(UserFactory())
    with django_assert_num_queries(0):  # rendering it reads nothing: the database may be down
        page = client.get("/boom/")
    assert page.status_code == 500
    assert "Sign out" not in page.content.decode()


def test_403_says_who_is_signed_in_and_how_to_get_a_role():
    client = english()
    client.force_login(UserFactory(email="kim@example.org"))
    page = client.get("/refused/")
    html = page.content.decode()
    assert page.status_code == 403
    assert_in_the_sites_layout(html)
    assert "kim@example.org" in html and "invite you" in html


def test_403_in_welsh():
    page = welsh().get("/refused/")
    assert page.status_code == 403
    assert "Ni allwch agor y dudalen hon" in page.content.decode()


def test_400_is_a_page_too():
    page = english().get("/suspicious/")
    assert page.status_code == 400
    html = page.content.decode()
    assert_in_the_sites_layout(html)
    assert "could not read that request" in html


def test_the_api_keeps_its_envelope():
    assert english().get("/api/v1/nowhere/").json()["code"] == "not_found"
    failed = english().get("/api/v1/boom/")
    assert failed.status_code == 500 and failed.json()["code"] == "server_error"
