"""The privacy notice, cookies page and accessibility statement: in English and Welsh, naming
the controller from settings, linked from every page's footer and from registration."""

from html import unescape

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

PAGES = ["/privacy/", "/cookies/", "/accessibility/"]


@pytest.fixture
def controller(settings):
    settings.PRIVACY_CONTROLLER_NAME = "Leeds City Council"
    settings.PRIVACY_CONTROLLER_NAME_CY = "Cyngor Dinas Leeds"
    settings.PRIVACY_CONTACT_EMAIL = "dpo@leeds.gov.uk"
    settings.ACCESSIBILITY_CONTACT_EMAIL = "access@leeds.gov.uk"
    return settings


@pytest.mark.parametrize("path", PAGES)
def test_each_page_in_english_and_welsh(client, controller, path):
    english = unescape(client.get(path).content.decode())
    welsh = unescape(Client(HTTP_ACCEPT_LANGUAGE="cy").get(path).content.decode())
    assert 'lang="en-GB"' in english and 'lang="cy"' in welsh
    headings = {
        "/privacy/": ("Privacy notice", "Hysbysiad preifatrwydd"),
        "/cookies/": ("Cookies", "Cwcis"),
        "/accessibility/": ("Accessibility statement", "Datganiad hygyrchedd"),
    }[path]
    assert f"<h1>{headings[0]}</h1>" in english and f"<h1>{headings[1]}</h1>" in welsh


def test_the_privacy_notice_names_the_controller_and_the_rights(client, controller, settings):
    settings.LOCATION_RETENTION_DAYS = 21
    html = unescape(client.get("/privacy/").content.decode())
    assert "Leeds City Council" in html and "mailto:dpo@leeds.gov.uk" in html
    assert "for 21 days" in html  # the retention the service applies, from its settings
    assert "Information Commissioner's Office" in html and 'href="/account/"' in html
    welsh = unescape(Client(HTTP_ACCEPT_LANGUAGE="cy").get("/privacy/").content.decode())
    assert "Cyngor Dinas Leeds" in welsh and "Swyddfa'r Comisiynydd Gwybodaeth" in welsh


def test_the_accessibility_statement_follows_the_model(client, controller, settings):
    from datetime import date

    settings.ACCESSIBILITY_LAST_TESTED = date(2026, 11, 30)
    html = unescape(client.get("/accessibility/").content.decode())
    for heading in (
        "Feedback and contact information",
        "Reporting accessibility problems with this service",
        "Enforcement procedure",
        "Compliance status",
        "Non-accessible content",
        "Preparation of this accessibility statement",
    ):
        assert heading in html, heading
    assert "Swagger UI" in html and "Equality Advisory and Support Service" in html
    assert "last tested on 30 November 2026" in html
    assert "mailto:access@leeds.gov.uk" in html
    welsh = unescape(Client(HTTP_ACCEPT_LANGUAGE="cy").get("/accessibility/").content.decode())
    assert "30 Tachwedd 2026" in welsh


def test_the_cookies_page_lists_the_cookies_the_service_sets(client):
    html = client.get("/cookies/").content.decode()
    for name in ("sessionid", "csrftoken", "django_language"):
        assert f"<code>{name}</code>" in html


def test_without_a_controller_the_pages_still_read(client, settings):
    settings.PRIVACY_CONTROLLER_NAME = ""
    html = client.get("/privacy/").content.decode()
    assert "the council that runs this service" in html


@pytest.mark.parametrize(
    "path", ["/", "/accounts/login/", "/accounts/register/", "/wallet/", "/nowhere/"]
)
def test_every_footer_links_the_three_pages(client, path):
    html = client.get(path, follow=True).content.decode()
    for page in PAGES:
        assert f'href="{page}"' in html, (path, page)


def test_registration_links_the_privacy_notice_beside_the_form(client):
    html = client.get("/accounts/register/").content.decode()
    start = html.index('action="/accounts/register/"')
    form = html[start : html.index("</form>", start)]
    assert 'href="/privacy/"' in form


def test_the_back_office_footer_links_them_too(client):
    html = client.get("/admin/login/").content.decode()
    for page in PAGES:
        assert f'href="{page}"' in html, page
