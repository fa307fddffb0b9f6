"""Fixtures shared by every test package: a real browser (Debian Chromium via Playwright)."""

import os
import re
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
SCREENSHOT_DIR = Path(__file__).resolve().parent / "artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


@pytest.fixture(scope="session")
def browser():
    # Playwright's sync API runs an event loop in this thread; Django's ORM calls
    # made by the test itself (arranging data, checking results) are still synchronous.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, request):
    """A fresh browser context per test; `page.shot("name")` saves a screenshot to look at."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    context.set_default_timeout(15_000)
    page = context.new_page()
    folder = SCREENSHOT_DIR / re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid)
    counter = {"n": 0}

    def shot(name: str, *, full_page: bool = True):
        counter["n"] += 1
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(folder / f"{counter['n']:02d}-{name}.png"), full_page=full_page)

    page.shot = shot
    yield page
    context.close()
