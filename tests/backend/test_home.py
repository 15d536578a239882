"""The front page and /favicon.ico."""

import pytest

pytestmark = pytest.mark.django_db


def test_the_front_page_says_what_this_is_and_links_every_part(client):
    response = client.get("/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert "Content-Security-Policy" in response
    html = response.content.decode()
    for href in ["/api/docs/", "/api/redoc/", "/admin/", "/desk/", "/wallet/", "/accounts/login/"]:
        assert f'href="{href}"' in html, href


def test_the_front_page_answers_get_only(client):
    assert client.post("/").status_code == 405


def test_favicon_ico_leads_to_the_sites_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    icon = client.get(response["Location"])
    assert icon.status_code == 200
    assert icon["Content-Type"] == "image/svg+xml"
