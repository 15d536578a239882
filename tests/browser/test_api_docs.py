"""Swagger UI and ReDoc in Chromium: they render under their Content-Security-Policy and fetch
nothing from anywhere but this server (no CDN, no Google Fonts, no Redocly logo)."""

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)


def open_recording_hosts(pages):
    page = pages.open()
    hosts: set[str] = set()
    # ReDoc's search worker is a blob: URL of this origin ("blob:http://localhost:.../...").
    page.on(
        "request",
        lambda request: hosts.add(urlsplit(request.url.removeprefix("blob:")).hostname),
    )
    # Anything the policy refuses is also reported to the page (and, by the pages fixture, as a
    # console message in page_errors).
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', (event) =>"
        " console.error('Content Security Policy violation: ' + event.blockedURI));"
    )
    return page, hosts


def test_swagger_ui_renders_offline_under_its_policy(pages):
    page, hosts = open_recording_hosts(pages)

    response = page.goto("/api/docs/")
    assert "script-src 'self';" in response.headers["content-security-policy"]
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("check-ins and rewards API")
    expect(page.locator(".opblock-summary-path").first).to_be_visible()
    page.wait_for_load_state("networkidle")
    pages.screenshot(page, "swagger-ui")

    assert hosts == {"localhost"}
    assert pages.page_errors == []


def test_redoc_renders_offline_under_its_policy(pages):
    page, hosts = open_recording_hosts(pages)

    response = page.goto("/api/redoc/")
    assert "script-src 'self';" in response.headers["content-security-policy"]
    # ReDoc parses the whole schema (~2 MB) before it draws anything: seconds on a busy machine,
    # more than expect's default 5 s while other test processes share the cores.
    expect(page.locator("h1").first).to_contain_text("check-ins and rewards API", timeout=30_000)
    expect(page.get_by_role("search").or_(page.locator("[role=search]")).first).to_be_attached()
    page.wait_for_load_state("networkidle")
    pages.screenshot(page, "redoc", full_page=False)  # the whole reference is metres tall

    assert hosts == {"localhost"}
    assert pages.page_errors == []
