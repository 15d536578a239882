"""The front page in Chromium: accessible, and its links lead where they say."""

import pytest
from playwright.sync_api import expect

from tests.browser.axe import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_the_front_page_is_accessible_and_leads_to_the_docs(pages, phone):
    page = pages.open(phone=phone)

    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Check in at council venues")
    assert_accessible(page)
    pages.screenshot(page, "home")

    page.get_by_role("link", name="API reference (ReDoc)").click()
    page.wait_for_url("**/api/redoc/")
    assert pages.page_errors == []
