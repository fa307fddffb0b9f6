"""A coaching contract's sessions in a real browser (Debian Chromium), against the Stripe emulator.

The student of a paid 4 × 60 min package (one session already held) reads the ledger, books a session
from the coach's free times shown in her zone (Paris), downloads its .ics, reads what cancelling it
would do, then cancels the whole contract mid-way after reading the pro-rata quote, and finds the
refund's credit note on her order. The coach sees the booked session in the same ledger. Every page is
shot at laptop (1280×800) and phone (390×844) widths into $COACHING_SHOTS_DIR (default
artifacts/screenshots/coaching-sessions/) to be looked at.
"""

import os
import re
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.urls import reverse

from coaching.models import CoachingSession
from coaching.sessions import session_book, session_finish
from coaching.tests.factories_sessions import (  # noqa: F401  (contract_kind is a fixture)
    coach_open_every_day,
    contract_kind,
    contract_paid,
    day_at,
)
from commerce.models import CreditNote, Refund
from innerwork.accounts.tests.factories import VerifiedUserFactory
from innerwork.core.models import OutboxEmail
from tests.e2e.test_checkout_journeys import assert_no_sideways_scroll, log_in, show_email

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PARIS = ZoneInfo("Europe/Paris")
SHOTS = Path(
    os.environ.get("COACHING_SHOTS_DIR", "")
    or Path(__file__).resolve().parents[2] / "artifacts" / "screenshots" / "coaching-sessions"
)
VIEWPORTS = {"laptop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}


def shoot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    for label, viewport in VIEWPORTS.items():
        page.set_viewport_size(viewport)
        assert_no_sideways_scroll(page)
        page.screenshot(path=str(SHOTS / f"{name}-{label}.png"), full_page=True)
    page.set_viewport_size(VIEWPORTS["laptop"])


@pytest.fixture
def paid_contract(shop, contract_kind, django_capture_on_commit_callbacks):  # noqa: F811
    coach = coach_open_every_day(user=VerifiedUserFactory(email="cora@example.com", full_name="Cora Coach"))
    contract, order = contract_paid(
        emulator=shop["emulator"], coach=coach, student=shop["customer"], capture=django_capture_on_commit_callbacks
    )
    held = session_book(contract=contract, student=contract.student, start_at=day_at(1, 9), now=day_at(1, 7))
    session_finish(session=held, actor=coach.user, now=held.appointment.end_at)
    return contract, order


def test_student_books_from_the_ledger_downloads_the_ics_and_cancels_mid_way_with_the_prorata_refund(
    page, shop, paid_contract
):
    base, student = shop["base"], shop["customer"]
    contract, order = paid_contract
    sessions_url = f"{base}{reverse('coaching:contract_sessions', kwargs={'number': contract.number})}"

    # The ledger: one session held, three to book.
    log_in(page, base, student)
    page.goto(sessions_url)
    assert [e.inner_text() for e in page.locator(".ledger__label").all()] == ["Completed"] + ["Available to book"] * 3
    assert page.inner_text(".credit-counts div:has-text('Left to book') dd") == "3"
    shoot(page, "01-ledger")

    # Booking: the coach's free times in Paris time; the third day's first time is booked at once.
    page.click("a:has-text('Book a session')")
    page.wait_for_url(re.compile(r"/sessions/book/$"))
    assert "Europe/Paris" in page.inner_text(".zone-form__current")
    shoot(page, "02-book")
    slot = page.locator(".slot-day").nth(2).locator("form.slot-form").first
    start = datetime.fromisoformat(slot.locator("input[name=start]").get_attribute("value").replace("Z", "+00:00"))
    assert slot.locator("button").inner_text() == f"{start.astimezone(PARIS):%H:%M}"
    slot.locator("button").click()
    page.wait_for_url(sessions_url)
    assert "Your session is booked" in page.inner_text(".messages")
    assert f"{start.astimezone(PARIS):%H:%M}" in page.inner_text(".session-rows")
    shoot(page, "03-booked")
    session = CoachingSession.objects.get(contract=contract, status="scheduled")
    assert session.appointment.start_at == start.astimezone(UTC)

    # The .ics is the session's invitation.
    with page.expect_download() as download:
        page.click(".session-row a:has-text('.ics')")
    [event] = icalendar.Calendar.from_ical(Path(download.value.path()).read_bytes()).walk("VEVENT")
    assert (str(event["uid"]), event.decoded("dtstart")) == (session.appointment.ics_uid, start.astimezone(UTC))

    # What cancelling that session would do: with days of notice, the credit comes back.
    page.click(".session-row a:has-text('Cancel')")
    assert page.inner_text(".refund-quote__amount") == "Comes back"
    shoot(page, "04-session-cancel")
    page.click("a:has-text('Keep it')")

    # The coach sees the same ledger, and the session booked.
    coach_context = page.context.browser.new_context(viewport=VIEWPORTS["laptop"], locale="en-US")
    coach_page = coach_context.new_page()
    log_in(coach_page, base, contract.coach.user)
    coach_page.goto(sessions_url)
    assert "Inès Buyer" in coach_page.inner_text(".session-rows")
    assert "Book a session" not in coach_page.inner_text(".contract-sessions")
    shoot(coach_page, "05-coach-ledger")
    coach_context.close()

    # Cancel the contract mid-way: the quote first ($900 − 1 × $225), then the refund through commerce.
    page.click("a:has-text('Cancel the contract')")
    assert page.inner_text(".refund-quote__amount") == "$675.00"
    assert "1 of 4 sessions used" in page.inner_text(".refund-quote__why")
    shoot(page, "06-contract-cancel-quote")
    page.click("button:has-text('Cancel the contract')")
    page.wait_for_url(sessions_url)
    assert "A refund of $675.00 is on its way" in page.inner_text(".messages")
    assert page.inner_text(".page-head .status-badge") == "Refunded"
    assert page.locator(".ledger__entry--canceled").count() == 3
    shoot(page, "07-contract-cancelled")
    refund = Refund.objects.get(order=order)
    assert (refund.amount, refund.status) == (67500, "succeeded")

    # The order shows the refund's credit note.
    credit_note = CreditNote.objects.get(refund=refund)
    page.goto(f"{base}{order.get_absolute_url()}")
    assert f"Credit note {credit_note.number}" in page.inner_text(".order-document--credit")
    shoot(page, "08-order-credit-note")

    # The e-mails, as a mail client shows them.
    for kind in ("coaching/session_booked", "coaching/contract_ended"):
        email = OutboxEmail.objects.filter(kind=kind, to=[student.email]).latest("pk")
        show_email(page, email.body_html)
        shoot(page, f"09-email-{kind.split('/')[1]}")
