"""Browser tests: Playwright for Python driving Debian's Chromium against ``live_server``.

The browser binary comes from the ``BROWSER_TESTS_CHROMIUM`` setting (``CHROMIUM_PATH`` in the
environment, else ``chromium`` on the PATH); Playwright's own browser download is never used
(``playwright install`` needs the internet). Without Chromium every test here is skipped with
that reason; CI installs it (.ci/run), so there they always run.

Each test's pages get a screenshot in ``tests/browser/screenshots/`` (git-ignored) under the
test's name, so a person can look at what the suite saw.
"""

import os
import re
from pathlib import Path

import pytest
from django.conf import settings

SCREENSHOTS = Path(__file__).parent / "screenshots"
PHONE = {"width": 390, "height": 844}  # a common phone (iPhone 12-15 class), CSS pixels
TABLET = {"width": 820, "height": 1180}  # a tablet at the desk or the entrance (iPad Air class)
DESKTOP = {"width": 1280, "height": 900}

# Playwright's sync API runs an event loop in the test's thread; Django refuses ORM calls from a
# thread with a running loop unless told that this is deliberate. The tests (not the server)
# touch the database between browser steps, one thread at a time.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _chromium() -> str | None:
    path = settings.BROWSER_TESTS_CHROMIUM
    return path if path and os.access(path, os.X_OK) else None


def pytest_collection_modifyitems(config, items):
    if _chromium():
        return
    skip = pytest.mark.skip(
        reason="needs Chromium (apt-get install chromium, or set CHROMIUM_PATH); CI installs it"
    )
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def chromium_browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=_chromium(),
            # As root in a container Chromium needs --no-sandbox; the rest keep it from calling
            # Google's services, which this machine cannot reach.
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


class Pages:
    """Opens browser contexts (one per person in the test) against the live server."""

    def __init__(self, browser, base_url: str, test_name: str) -> None:
        self.browser = browser
        self.base_url = base_url
        self.test_name = re.sub(r"[^\w.-]+", "_", test_name)
        self.contexts = []
        self.shots = 0
        self.page_errors: list[str] = []

    def open(self, *, phone: bool = False, tablet: bool = False, **options):
        context = self.browser.new_context(
            base_url=self.base_url,
            viewport=PHONE if phone else TABLET if tablet else DESKTOP,
            is_mobile=phone or tablet,
            has_touch=phone or tablet,
            locale="en-GB",
            timezone_id="Europe/London",
            **options,
        )
        context.set_default_timeout(10_000)
        self.contexts.append(context)
        page = context.new_page()
        # What a page must never do: break its own script, or be stopped by its own CSP. (A 4xx
        # page also logs "Failed to load resource": that is the page's answer, not a fault.)
        page.on("pageerror", lambda error: self.page_errors.append(str(error)))
        page.on(
            "console",
            lambda message: (
                "Content Security Policy" in message.text
                and not getattr(page, "axe_running", False)  # axe's own probes, not the page's
                and self.page_errors.append(f"{page.url}: {message.text}")
            ),
        )
        return page

    def screenshot(self, page, label: str, *, full_page: bool = True) -> Path:
        self.shots += 1
        SCREENSHOTS.mkdir(exist_ok=True)
        path = SCREENSHOTS / f"{self.test_name}-{self.shots:02d}-{label}.png"
        page.screenshot(path=str(path), full_page=full_page)
        return path

    def close(self) -> None:
        for context in self.contexts:
            context.close()


@pytest.fixture
def pages(chromium_browser, live_server, request):
    opened = Pages(chromium_browser, live_server.url, request.node.name)
    yield opened
    opened.close()
