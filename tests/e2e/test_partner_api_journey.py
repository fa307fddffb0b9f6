"""README's partner API quick start, end to end: staff set the partner up in admin, the partner's server calls
the API over real HTTP, its customer pays on Stripe's page (the emulator) in a real browser (Debian Chromium),
and the partner hears of it by signed webhook and by polling the payment.

Staff (the Admin role, password then authenticator code) add the partner with its allowed redirect host, its
webhook endpoint and a key, and copy the endpoint's secret and the key from the pages that show them once.
The partner is a real HTTP server in a thread on 127.0.0.1: its success page is where Stripe sends the
customer back, and its webhook receiver records what InnerWork POSTs. Stripe's own webhooks reach
live_server through the site's registered endpoint, as in production; fulfilment then emits the partner's
events, delivered after commit by Celery (eager in tests) with the endpoint's signature, verified here with
exactly README's snippet.

Plain http to 127.0.0.1 for the partner's endpoint: webhook endpoints must be https:// wherever
PARTNER_WEBHOOK_REQUIRE_HTTPS is on (everywhere DEBUG is off); it is switched off here, as the setting
exists for DEBUG and local receivers. Redirect URLs may be http outside live mode (commerce.api).
"""

from __future__ import annotations

import contextlib
import json
import re
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth.models import Group
from django.utils import timezone

from commerce.models import Order
from commerce.tests.admin_fixtures import staff_roles_ensure
from innerwork.accounts.tests.factories import VerifiedUserFactory
from innerwork.api.models import ApiKey, Partner
from innerwork.api.tests.webhooks.test_signature import readme_verify
from innerwork.api.webhooks.models import WebhookEndpoint
from mentorship.models import Booking
from mentorship.tests.api_helpers import open_mentor
from tests.e2e.test_checkout_journeys import HOSTED_PAGE, VIEWPORTS, assert_no_sideways_scroll, fill_card, pay_button
from tests.e2e.test_staff_refund_journey import staff_log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PARTNER_NAME = "Wellbeing Portal"
QUICK_START_EVENTS = ["booking.confirmed", "order.paid"]
WAIT_SECONDS = 30
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"


@dataclass
class PartnerServer:
    """The partner's side: the page its customers come back to, and its webhook receiver (raw bodies kept)."""

    base: str = ""
    visits: list[str] = field(default_factory=list)
    hooks: list[tuple[bytes, str]] = field(default_factory=list)  # (raw body, InnerWork-Signature)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def events(self) -> list[tuple[bytes, str]]:
        with self.lock:
            return list(self.hooks)

    def wait_for_events(self, count: int) -> list[tuple[bytes, str]]:
        deadline = time.monotonic() + WAIT_SECONDS
        while len(self.events()) < count and time.monotonic() < deadline:
            time.sleep(0.2)
        return self.events()


def _handler(server: PartnerServer):
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            with server.lock:
                server.visits.append(self.path)
            page = (
                b"<!doctype html><html lang=en><meta charset=utf-8><meta name=viewport content='width=device-width'>"
                b"<title>Wellbeing Portal</title><h1>Thank you, your session is booked</h1></html>"
            )
            self._answer(200, page, "text/html; charset=utf-8")

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            with server.lock:
                server.hooks.append((body, self.headers.get("InnerWork-Signature", "")))
            self._answer(200, b'{"received": true}', "application/json")

        def _answer(self, status: int, body: bytes, content_type: str):
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            with contextlib.suppress(OSError):
                self.wfile.write(body)

        def log_message(self, format, *args):
            pass

    return Handler


@pytest.fixture
def partner_server():
    state = PartnerServer()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.base = f"http://127.0.0.1:{server.server_address[1]}"
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture
def staff(settings):
    """A member of the Admin role (who may add partners, endpoints and keys), signing in with an authenticator."""
    settings.STAFF_MFA_REQUIRED = True  # as in production
    settings.PARTNER_WEBHOOK_REQUIRE_HTTPS = False  # the partner's receiver is plain http on 127.0.0.1
    staff_roles_ensure()  # a transactional test's flush removes the groups the migration made
    admin = VerifiedUserFactory(email="ops@innerwork.test", full_name="Ops Admin", is_staff=True)
    admin.groups.add(Group.objects.get(name="Admin"))
    secret = generate_totp_secret()
    TOTP.activate(admin, secret)
    return admin, secret


def shooter(staff_page):
    """page.shot for the staff's own browser: full-page screenshots under artifacts/screenshots/partner_api_journey/."""
    folder = SCREENSHOTS / "partner_api_journey"
    counter = {"n": 0}

    def shot(name: str):
        counter["n"] += 1
        folder.mkdir(parents=True, exist_ok=True)
        staff_page.screenshot(path=str(folder / f"{counter['n']:02d}-{name}.png"), full_page=True)

    return shot


class Api:
    """The partner's server calling /api/v1/ over HTTP, as README's curl lines do."""

    def __init__(self, base: str, key: str):
        self.base, self.session = f"{base}/api/v1", requests.Session()
        self.session.headers["Authorization"] = f"Bearer {key}"

    def get(self, path: str, **params) -> dict:
        response = self.session.get(f"{self.base}/{path}", params=params, timeout=20)
        assert response.status_code == 200, (path, response.status_code, response.text[:500])
        return response.json()

    def post(self, path: str, body: dict) -> dict:
        response = self.session.post(
            f"{self.base}/{path}", json=body, headers={"Idempotency-Key": str(uuid.uuid4())}, timeout=20
        )
        assert response.status_code == 201, (path, response.status_code, response.text[:500])
        return response.json()


def staff_set_up_the_partner(page, base: str, partner_server: PartnerServer) -> tuple[str, str]:
    """In admin: the partner and its redirect host, its webhook endpoint, a key. Returns (key, signing secret)."""
    page.goto(f"{base}/admin/api/partner/add/")
    page.fill("#id_name", PARTNER_NAME)
    page.fill("#id_contact_email", "tech@portal.example")
    page.fill("#id_allowed_redirect_hosts", '["127.0.0.1"]')
    page.click("input[name='_save']")
    page.wait_for_url(re.compile(r"/admin/api/partner/$"))

    page.goto(f"{base}/admin/api/webhookendpoint/add/")
    page.select_option("#id_partner", label=PARTNER_NAME)
    page.fill("#id_url", f"{partner_server.base}/hooks/innerwork")
    page.fill("#id_description", "Portal production receiver")
    for event_type in QUICK_START_EVENTS:
        page.check(f"input[name='event_types'][value='{event_type}']")
    page.click("input[name='_save']")
    page.wait_for_url(re.compile(r"/admin/api/webhookendpoint/$"))
    shown = page.locator(".messagelist").inner_text()
    signing_secret = re.search(r"\b(whsec_[A-Za-z0-9_-]+)", shown)  # URL-safe characters
    assert signing_secret, shown
    page.shot("staff-endpoint-secret-shown-once")

    page.goto(f"{base}/admin/api/apikey/add/")
    page.select_option("#id_partner", label=PARTNER_NAME)
    page.fill("#id_name", "Portal backend")
    for checkbox in page.locator("input[name='scopes']").all():
        checkbox.check()
    page.click("input[name='_save']")
    key = page.locator("code.api-key-secret").inner_text().strip()
    page.shot("staff-key-shown-once")
    return key, signing_secret.group(1)


def test_quick_start_book_pay_on_stripes_page_hear_signed_webhooks_and_poll_the_payment(
    page, browser, shop, staff, partner_server
):
    base, emulator = shop["base"], shop["emulator"]
    mentor = open_mentor("ana")

    # Staff sign in to admin in their own browser and set the partner up, as README's "Keys" says.
    admin_page = browser.new_context(viewport=VIEWPORTS["laptop"], locale="en-US").new_page()
    admin_page.set_default_timeout(15_000)
    admin_page.shot = shooter(admin_page)
    staff_log_in(admin_page, base, *staff)
    key, signing_secret = staff_set_up_the_partner(admin_page, base, partner_server)
    admin_page.context.close()
    partner = Partner.objects.get(name=PARTNER_NAME)
    assert partner.allowed_redirect_hosts == ["127.0.0.1"]
    assert key.startswith("iw_test_")
    assert ApiKey.objects.get(partner=partner).prefix in key
    endpoint = WebhookEndpoint.objects.get(partner=partner)
    assert (endpoint.event_types, endpoint.secret) == (QUICK_START_EVENTS, signing_secret)

    # The partner's server follows the quick start over HTTP.
    api = Api(base, key)
    config = api.get("config")
    assert (config["mode"], config["publishable_key"][:8]) == ("test", "pk_test_")
    customer = api.post(
        "customers/",
        {"email": "ada@example.com", "name": "Ada Lovelace", "time_zone": "Europe/London", "external_id": "u-42"},
    )
    assert (customer["object"], customer["external_id"]) == ("customer", "u-42")
    assert [found["id"] for found in api.get("customers/", external_id="u-42")["data"]] == [customer["id"]]
    assert mentor.slug in [listed["slug"] for listed in api.get("mentors/")["data"]]
    tomorrow = (timezone.now() + timedelta(days=1)).date().isoformat()
    slots = api.get(f"mentors/{mentor.slug}/slots/", **{"from": tomorrow, "length": 60})
    assert slots["length"] == 60
    start = slots["slots"][0]["start"]
    booking = api.post(
        "bookings/",
        {"customer": customer["id"], "mentor": mentor.slug, "start": start, "length": 60, "topic": "My first team"},
    )
    assert (booking["status"], booking["start"], booking["price"]["amount"]) == ("pending_payment", start, 12000)
    checkout = api.post(
        "checkout-sessions/",
        {
            "item": {"type": "booking", "booking": booking["id"]},
            "success_url": f"{partner_server.base}/paid?session={{CHECKOUT_SESSION_ID}}",
            "cancel_url": f"{partner_server.base}/",
        },
    )
    assert (checkout["amount"], checkout["currency"]) == (12000, "usd")
    assert api.get(f"payments/{checkout['payment_id']}")["status"] == "pending"

    # The customer opens the returned url: Stripe's page (the emulator), at laptop and phone width.
    page.goto(checkout["url"])
    page.wait_for_url(HOSTED_PAGE)
    assert page.get_by_text("$120.00").first.is_visible()
    for label, viewport in VIEWPORTS.items():
        page.set_viewport_size(viewport)
        assert_no_sideways_scroll(page)
        page.shot(f"payment-{label}")
    page.set_viewport_size(VIEWPORTS["laptop"])

    # They pay with 4242 and land on the partner's success page, which learns the session id.
    fill_card(page, "4242 4242 4242 4242")
    pay_button(page).click()
    page.wait_for_url(re.compile(re.escape(partner_server.base) + r"/paid\?session=cs_"))
    assert page.locator("h1").inner_text() == "Thank you, your session is booked"
    [returned] = [visit for visit in partner_server.visits if visit.startswith("/paid?")]
    assert parse_qs(urlsplit(returned).query)["session"] == [checkout["session_id"]]
    page.shot("partner-success-page")

    # Stripe's webhook reaches InnerWork, which tells the partner: booking.confirmed and order.paid, signed.
    emulator.wait_for_webhooks()
    received = partner_server.wait_for_events(len(QUICK_START_EVENTS))
    verify = readme_verify()
    assert all(verify(body, header, signing_secret) for body, header in received), received
    assert not any(verify(body, header, signing_secret + "x") for body, header in received)
    events = {event["type"]: event for event in (json.loads(body) for body, _ in received)}
    assert sorted(events) == sorted(QUICK_START_EVENTS)
    assert len(received) == len(QUICK_START_EVENTS)  # each once
    assert all(event["id"].startswith("evt_") and event["livemode"] is False for event in events.values())
    confirmed = events["booking.confirmed"]["data"]["object"]
    assert (confirmed["id"], confirmed["status"], confirmed["start"]) == (booking["id"], "confirmed", start)
    paid = events["order.paid"]["data"]["object"]
    assert (paid["payment_id"], paid["status"], paid["amount_paid"]) == (checkout["payment_id"], "paid", 12000)
    # and each event's object is the API's own: what GET answers for the booking and the order
    assert confirmed == api.get(f"bookings/{booking['id']}")
    assert paid == api.get(f"orders/{checkout['payment_id']}")

    # The partner polls the payment: succeeded, for the booking, in minor units.
    deadline = time.monotonic() + WAIT_SECONDS
    while (payment := api.get(f"payments/{checkout['payment_id']}"))["status"] == "pending":
        assert time.monotonic() < deadline, payment
        time.sleep(0.3)
    assert (payment["status"], payment["amount"], payment["currency"]) == ("succeeded", 12000, "usd")
    assert api.get(f"bookings/{booking['id']}")["status"] == "confirmed"
    assert Booking.objects.get(number=booking["id"]).status == "confirmed"
    assert Order.objects.get(number=checkout["payment_id"]).status == "paid"
