"""A resident's own account, the legal pages and the error pages, on a phone, in Chromium:
axe-clean in English and Welsh, and the account deleted from its page."""

import pytest
from playwright.sync_api import expect

from accounts.models import User
from tests.browser.axe import assert_accessible
from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_resident_renames_downloads_and_deletes_their_account(pages):
    rosa = UserFactory(email="rosa@example.org", display_name="Rosa")
    page = pages.open(phone=True)
    page.goto("/account/")
    page.get_by_label("Email").fill(rosa.email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Your account", level=1)).to_be_visible()
    assert_accessible(page)
    pages.screenshot(page, "account")

    page.get_by_label("Your name").fill("Rosa M")
    page.get_by_role("button", name="Save your name").click()
    expect(page.get_by_text("Your name has been changed.")).to_be_visible()
    expect(page.locator(".site-header__who")).to_contain_text("Rosa M")

    with page.expect_download() as download:
        page.get_by_role("link", name="Download my data").first.click()
    assert b'"email": "rosa@example.org"' in download.value.path().read_bytes()

    page.get_by_role("link", name="Change your password").click()
    assert_accessible(page)
    pages.screenshot(page, "password")
    page.go_back()

    page.get_by_role("link", name="Delete my account").click()
    page.get_by_label("Your password").fill("not my password")
    page.get_by_role("button", name="Delete my account").click()
    expect(page.locator(".error-summary")).to_contain_text("The password is wrong.")
    assert_accessible(page)
    pages.screenshot(page, "delete-refused")
    page.get_by_label("Your password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Delete my account").click()
    expect(page.get_by_text("Your account has been deleted.")).to_be_visible()
    pages.screenshot(page, "deleted")
    assert User.objects.get(pk=rosa.pk).erased_at is not None
    assert pages.page_errors == []


@pytest.mark.parametrize("language", ["English", "Cymraeg"])
def test_the_legal_and_error_pages_are_accessible_on_a_phone(pages, language):
    page = pages.open(phone=True)
    page.goto("/")
    if language == "Cymraeg":
        page.get_by_role("button", name="Cymraeg").click()
    for link in (0, 1, 2):
        page.goto("/")
        page.locator(".footer-links a").nth(link).click()
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert_accessible(page)
        pages.screenshot(page, f"legal-{link}-{language}")
    answer = page.goto("/no-such-page/")
    assert answer.status == 404
    assert_accessible(page)
    pages.screenshot(page, f"404-{language}")
    assert pages.page_errors == []
