"""Every page, opened in English and in Welsh by the role that uses it, shows no English
sentence on the Welsh page (the product's own words: names, titles, codes, numbers and dates
are data and allowed). The list of pages walks the URL patterns: a page added later fails the
coverage test below until it is listed here or set aside with its reason."""

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from accounts.children.services import child_add
from checkins.models import Comment
from tests.factories import UserFactory
from tests.integration.back_office_world import back_office_world
from tests.integration.welsh_pages import data_strings, english_on_welsh_page
from venues.models import Poster

pytestmark = pytest.mark.django_db

WELSH = {"HTTP_ACCEPT_LANGUAGE": "cy"}
ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en-gb"}

# URL names not opened as pages here, and why.
NOT_PAGES = {
    "favicon": "a redirect to an image",
    "healthz": "a probe for the load balancer, not read by people",
    "readyz": "a probe for the load balancer, not read by people",
    "metrics": "Prometheus text for the operator",
    "set_language": "the language switch's POST target: redirects back",
    "sign-out": "a POST that redirects",
    "account-download": "a JSON file of the resident's data",
    "desk-undo": "a POST from the desk page: redirects back to it",
    "desk-screen-code": "the screen's JSON poll",
    "insight-csv": "a CSV table (column names are data for spreadsheets)",
    "insight-venue-csv": "a CSV table (column names are data for spreadsheets)",
    "poster-comment": "a POST from the poster page: redirects back or shows that page",
    "venue-card": "a PNG image (its words are drawn by the venue page's own strings)",
    "venue-comment": "a POST from the venue page: redirects back or shows that page",
    "venue-comment-report": "a POST from the venue page: redirects back or shows that page",
    "my-reply-emails": "a POST from the comments page: redirects back",
    "member-card-replace": "a POST from the card page: redirects back",
    "wallet-claim": "a POST from the wallet: redirects back",
    "family-child-claim": "a POST from the child's wallet: redirects back",
    "family-child-download": "a JSON file of the child's data",
    "apple-app-site-association": "JSON for iOS",
    "assetlinks": "JSON for Android",
}


@pytest.fixture
def world():
    return back_office_world()


def pages(world) -> list[tuple[str, str, str]]:
    """(URL name, role, path) of every page people read."""
    venue, council = world.venue, world.venue.council
    poster = Poster.objects.filter(venue=venue).first()
    child = child_add(parent=world.resident, first_name="Sam", birth_year=2016)
    # An account from before ages were asked is asked its birth year.
    world.resident_without_birth_year = UserFactory(birth_year=None)
    comment = Comment.objects.filter(venue=venue, author=world.resident).first()
    return [
        ("home", "anonymous", "/"),
        ("privacy", "anonymous", "/privacy/"),
        ("cookies", "anonymous", "/cookies/"),
        ("accessibility", "anonymous", "/accessibility/"),
        ("sign-in", "anonymous", "/accounts/login/"),
        ("register", "anonymous", "/accounts/register/"),
        ("password_reset", "anonymous", "/accounts/password-reset/"),
        ("password_reset_done", "anonymous", "/accounts/password-reset/sent/"),
        ("password_reset_confirm", "anonymous", "/accounts/password-reset/MQ/bad-token/"),
        ("password_reset_complete", "anonymous", "/accounts/password-reset/done/"),
        ("poster-code", "anonymous", "/q/"),
        ("poster-landing", "anonymous", f"/q/{poster.token}"),
        ("poster-landing", "resident", f"/q/{poster.token}"),
        ("venue-page", "anonymous", f"/v/{venue.id}/"),
        ("venue-page", "resident", f"/v/{venue.id}/"),
        ("invitation", "anonymous", "/invitations/not-a-real-token/"),
        ("digest-unsubscribe", "anonymous", "/digest/unsubscribe/not-a-real-token/"),
        ("account", "resident", "/account/"),
        ("account-email", "resident", "/account/email/"),
        ("account-email-confirm", "resident", "/account/email/confirm/not-a-real-token/"),
        ("account-password", "resident", "/account/password/"),
        ("account-delete", "resident", "/account/delete/"),
        ("my-comments", "resident", "/me/comments/"),
        ("my-comment-delete", "resident", f"/me/comments/{comment.id}/delete"),
        ("wallet", "resident", "/wallet/"),
        ("member-card", "resident", "/wallet/card/"),
        ("account-birth-year", "resident_without_birth_year", "/account/birth-year/"),
        ("children-privacy", "anonymous", "/children/privacy/"),
        ("family", "resident", "/family/"),
        ("family-child", "resident", f"/family/{child.id}/"),
        ("family-child-card", "resident", f"/family/{child.id}/card/"),
        ("family-child-remove", "resident", f"/family/{child.id}/remove/"),
        ("desk", "resident", "/desk/"),
        ("desk", "staff", "/desk/"),
        ("desk-checkin", "staff", "/desk/check-in/"),
        ("desk-screen", "staff", "/desk/screen/"),
        ("desk-screen", "staff", f"/desk/screen/?venue={venue.id}"),
        ("insight", "resident", f"/insight/{council.slug}/"),
        ("insight", "council_admin", f"/insight/{council.slug}/"),
        ("insight-venue", "council_admin", f"/insight/{council.slug}/venues/{venue.id}/"),
        ("digest-settings", "council_admin", "/digest/"),
        ("not found", "anonymous", "/no-such-page/"),
    ]


def client_as(world, role: str) -> Client:
    client = Client()
    if role != "anonymous":
        client.force_login(getattr(world, role))
    return client


def page_url_names() -> set[str]:
    """The names of the URL patterns outside the API and the back office."""

    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = prefix + str(pattern.pattern)
                if not inner.startswith(("api/", "admin/")):
                    yield from walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                yield pattern.name

    return set(walk(get_resolver().url_patterns))


def test_every_page_url_is_walked_or_set_aside_with_its_reason(world):
    walked = {name for name, _role, _path in pages(world)}
    assert page_url_names() - walked - set(NOT_PAGES) == set()
    assert set(NOT_PAGES) <= page_url_names()  # no stale reason


def test_no_page_shows_english_on_its_welsh_version(world):
    walk = pages(world)
    data = data_strings()  # after the pages' own data is made
    found, statuses = {}, {}
    for _name, role, path in walk:
        client = client_as(world, role)
        english = client.get(path, **ENGLISH)
        welsh = client.get(path, **WELSH)
        statuses[f"{role} {path}"] = (english.status_code, welsh.status_code)
        assert english.status_code == welsh.status_code, (path, english.status_code)
        assert english.status_code in (200, 400, 403, 404, 410), (role, path, english.status_code)
        assert welsh["Content-Language"] == "cy", path
        english_words = english_on_welsh_page(
            english.content.decode(), welsh.content.decode(), data
        )
        if english_words:
            found[f"{role} {path}"] = english_words
    assert not found, "English on Welsh pages:\n" + "\n".join(
        f"{page}: {words}" for page, words in found.items()
    )


def test_the_back_office_speaks_welsh_where_the_project_adds_words(world):
    """Django's admin ships Welsh; what the project adds (its header, the staff navigation, the
    language switch, its own pages) is Welsh too. The models' field labels are not yet: README,
    "Languages"."""
    client = client_as(world, "council_admin")
    client.post("/i18n/setlang/", {"language": "cy", "next": "/admin/"})
    index = client.get("/admin/").content.decode()
    assert "Gwirio i mewn yn lleoliadau&#x27;r cyngor: swyddfa gefn" in index
    assert 'value="en-gb" lang="en-GB">English</button>' in index  # the switch, back to English
    assert "Yr hyn rydych chi&#x27;n ei reoli" in index and "Swyddfa gefn" in index
    invitations = client.get("/admin/venues/invitation/").content.decode()
    assert "Gwahodd rhywun" in invitations and "Invite someone" not in invitations
    client.post("/i18n/setlang/", {"language": "en-gb", "next": "/admin/"})
    assert "What you manage" in client.get("/admin/").content.decode()


def test_a_resident_refused_by_the_back_office_is_told_in_welsh(world):
    page = client_as(world, "resident").get("/admin/login/?next=/admin/", **WELSH)
    words = page.content.decode()
    assert page.status_code == 403 and "Does gan y cyfrif hwn ddim rôl" in words
