"""Fixtures shared by every test package: an empty cache for each test, a real browser (Debian Chromium via
Playwright), and PDFs rendered by WeasyPrint only in tests marked `documents` (a fast stand-in everywhere else)."""

import hashlib
import os
import re
from pathlib import Path

import pytest

# Registered here, once, so each test process starts one emulator (its session fixture) for every package;
# importing the fixtures into a conftest or test module would define them again there, and each
# definition of a session fixture starts its own emulator.
pytest_plugins = ["stripe_emulator.pytest_plugin"]

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


@pytest.fixture(autouse=True)
def _empty_cache():
    # The locmem cache outlives a test but its database rows do not: rate-limit counters and throttle budgets
    # (every test client is 127.0.0.1), a page cached in one test (PAGE_CACHE=true), a last-used mark must not
    # carry over into the next test.
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


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


# -- PDFs ------------------------------------------------------------------------------------------
# WeasyPrint spends ~0.2 s of CPU on each document, and every paid order issues an invoice (refunds a
# credit note), so most tests that render one never look at it. Outside tests marked `documents`, the
# WeasyPrint document class that innerwork.core.pdf.render_pdf uses (its one seam) is replaced by a
# stand-in: the template is still rendered to HTML with its real context, and the PDF written is a
# small valid one whose bytes depend only on that HTML (same HTML, same bytes; other HTML, other bytes),
# so storing, hashing, attaching and serving documents behave as with real ones.


def stand_in_pdf(html: str) -> bytes:
    """A one-page, blank, valid PDF carrying the SHA-256 of `html` (and binary bytes, as real PDFs do)."""
    digest = hashlib.sha256(html.encode()).hexdigest()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << >> >>",
        b"<< /Producer (InnerWork test stand-in for WeasyPrint) /Subject (" + digest.encode() + b") >>",
    ]
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info 4 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


class StandInHTML:
    """Takes weasyprint.HTML's place in innerwork.core.pdf: keeps the HTML, writes `stand_in_pdf` of it."""

    def __init__(self, rendered: list, *, string: str, base_url=None, url_fetcher=None, **options):
        self.string = string
        rendered.append({"html": string, "base_url": base_url})

    def write_pdf(self, target=None, **options) -> bytes:
        return stand_in_pdf(self.string)


@pytest.fixture(autouse=True)
def pdf_renderings(request, monkeypatch) -> list[dict]:
    """What was rendered to PDF in this test (`html`, `base_url` each); real WeasyPrint only under `documents`."""
    rendered: list[dict] = []
    if request.node.get_closest_marker("documents") is None:
        from innerwork.core import pdf

        monkeypatch.setattr(pdf, "HTML", lambda **kwargs: StandInHTML(rendered, **kwargs))
    return rendered
