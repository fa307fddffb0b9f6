"""Booking a paid one-to-one session in a real browser (Debian Chromium), against the Stripe emulator.

A visitor finds a mentor, reads the times in their own zone, picks one, signs in, books, pays with 4242
on the emulator's hosted page, lands on the confirmed session, downloads its .ics, then cancels it after
reading the quoted refund. Each page is shot at laptop and phone widths to be looked at.
"""

import re
from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import icalendar
import pytest

from innerwork.accounts.tests.factories import PASSWORD
from innerwork.scheduling.services import calendar_for
from mentorship.models import Booking, MentorProfile
from mentorship.tests.factories import ExpertiseFactory, LanguageFactory, MentorProfileFactory
from tests.e2e.test_checkout_journeys import HOSTED_PAGE, fill_card, pay_button, shoot_both

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def mentors():
    """Two approved mentors open 06:00-22:00 UTC every day; Ana María López is the one booked."""
    made = []
    for name, slug, rate, expertise, language in [
        ("Ana María López", "ana-lopez", 12000, ("leadership", "Leadership"), "es"),
        ("Kenji Watanabe", "kenji-watanabe", 9000, ("career-change", "Career change"), "en"),
    ]:
        profile = MentorProfileFactory(
            user__full_name=name,
            slug=slug,
            status=MentorProfile.Status.APPROVED,
            hourly_rate_amount=rate,
            session_lengths=[30, 60, 90],
            meeting_url=f"https://meet.example/{slug}",
            headline="Helps new managers lead their first team with confidence and calm",
            bio="Twelve years of leading product teams on three continents.\n\nAsk me about hiring, 1:1s, feedback.",
        )
        profile.expertise.add(ExpertiseFactory(slug=expertise[0], name=expertise[1]))
        profile.languages.add(LanguageFactory(code=language), LanguageFactory(code="en"))
        calendar = calendar_for(profile.user)
        calendar.min_notice_minutes = 0
        calendar.save()
        for weekday in range(7):
            calendar.weekly_rules.create(weekday=weekday, start_time=time(6), end_time=time(22))
        made.append(profile)
    return made


def test_visitor_finds_a_mentor_books_pays_downloads_the_ics_and_cancels_with_the_quoted_refund(page, shop, mentors):
    base, customer = shop["base"], shop["customer"]

    # The visitor opens the mentors list and sets their zone to Paris.
    page.goto(f"{base}/mentors/")
    page.select_option("#zone-select", "Europe/Paris")
    page.click(".zone-form button")
    assert "Europe/Paris" in page.inner_text(".zone-form__current")
    assert page.locator(".mentor-card").count() == 2
    assert "from $45.00 / 30 min" in page.inner_text(".mentor-card:has-text('Kenji')")
    shoot_both(page, "mentors-list")

    # Ana's page: lengths with prices, and times grouped by Paris days.
    page.click(".mentor-card:has-text('Ana María López') a:has-text('See times')")
    page.wait_for_url(f"{base}/mentors/ana-lopez/")
    page.click(".length-option:has-text('60 min')")
    assert "$120.00" in page.inner_text(".length-option--active")
    assert "Europe/Paris" in page.inner_text(".zone-form__current")
    shoot_both(page, "mentor-page")

    # A time four days ahead (enough notice for a full refund) is shown in Paris time.
    day = page.locator(".slot-day").nth(4)
    day.locator("summary").click()  # days after the third are folded
    slot = day.locator("a.slot").first
    start = datetime.fromisoformat(slot.locator("time").get_attribute("datetime").replace("Z", "+00:00"))
    assert slot.inner_text() == f"{start.astimezone(PARIS):%H:%M}"
    slot.click()

    # Booking needs an account: log in, and come back to the form.
    page.wait_for_url(re.compile(r"/accounts/login/"))
    page.fill("input[name='login']", customer.email)
    page.fill("input[name='password']", PASSWORD)
    page.locator("form:has([name='password']) [type=submit]").first.click()
    page.wait_for_url(re.compile(r"/mentors/ana-lopez/book/"))
    summary = page.inner_text(".session-summary")
    assert f"{start.astimezone(PARIS):%H:%M}" in summary
    assert "60 minutes" in summary
    assert "$120.00" in summary
    page.fill("input[name='topic']", "Leading my first team")
    page.fill("textarea[name='notes']", "I start as a team lead next month.")
    shoot_both(page, "booking-form")

    # Stripe's page; the customer pays with 4242 and lands on the confirmed session.
    page.click("button:has-text('Continue to payment')")
    page.wait_for_url(HOSTED_PAGE)
    fill_card(page, "4242 4242 4242 4242")
    pay_button(page).click()
    page.wait_for_url(re.compile(r"/sessions/BKG-[0-9A-Z-]+/$"))
    booking = Booking.objects.get(customer=customer)
    assert booking.status == Booking.Status.CONFIRMED
    assert booking.appointment.start_at == start.astimezone(UTC)
    assert "Your session is booked" in page.inner_text(".messages")
    assert page.get_attribute("a:has-text('Join the session')", "href") == "https://meet.example/ana-lopez"
    shoot_both(page, "session-confirmed")

    # The .ics download is the session's invitation.
    with page.expect_download() as download_info:
        page.click("a:has-text('Add to calendar')")
    ics = icalendar.Calendar.from_ical(open(download_info.value.path(), "rb").read())  # noqa: SIM115
    [event] = ics.walk("VEVENT")
    assert event.decoded("dtstart") == start.astimezone(UTC)
    assert str(event["uid"]) == booking.appointment.ics_uid

    # My sessions lists it.
    page.click("header .site-nav a:has-text('My sessions')")
    assert "Leading my first team" in page.inner_text(".session-rows")
    shoot_both(page, "my-sessions")

    # Cancel: the quote comes first, then the cancellation says the refund is on its way.
    page.click(".session-row a")
    page.click("a:has-text('Cancel session')")
    assert page.inner_text(".refund-quote__amount") == "$120.00"
    assert "100 %" in page.inner_text(".refund-quote__why")
    shoot_both(page, "cancel-page")
    page.click("button:has-text('Cancel the session')")
    page.wait_for_url(re.compile(r"/sessions/BKG-[0-9A-Z-]+/$"))
    message = page.inner_text(".messages")
    assert "Your session was cancelled." in message
    assert "$120.00" in message
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELED
    shoot_both(page, "session-cancelled")


def test_leaving_stripe_unpaid_then_paying_later_and_rescheduling(page, shop, mentors):
    base, customer = shop["base"], shop["customer"]
    page.goto(f"{base}/accounts/login/?next=/mentors/kenji-watanabe/")
    page.fill("input[name='login']", customer.email)
    page.fill("input[name='password']", PASSWORD)
    page.locator("form:has([name='password']) [type=submit]").first.click()
    page.wait_for_url(f"{base}/mentors/kenji-watanabe/")

    # Book 30 minutes five days ahead, then leave Stripe's page without paying.
    day = page.locator(".slot-day").nth(5)
    day.locator("summary").click()
    day.locator("a.slot").nth(2).click()
    page.fill("input[name='topic']", "Changing careers at 40")
    page.click("button:has-text('Continue to payment')")
    page.wait_for_url(HOSTED_PAGE)
    booking = Booking.objects.get(customer=customer)
    page.goto(f"{base}/sessions/{booking.number}/not-paid/")
    page.wait_for_url(f"{base}/sessions/{booking.number}/")
    assert "The payment was not made" in page.inner_text(".messages")
    hold = booking.appointment.hold_expires_at.astimezone(PARIS)
    assert f"until {hold:%H:%M}" in page.inner_text(".session-unpaid")
    shoot_both(page, "session-unpaid")

    # Pay now goes back to Stripe; 4242 confirms it.
    page.click("button:has-text('Pay now')")
    page.wait_for_url(HOSTED_PAGE)
    fill_card(page, "4242 4242 4242 4242")
    pay_button(page).click()
    page.wait_for_url(f"{base}/sessions/{booking.number}/")
    assert page.inner_text(".status-badge") == "Confirmed"

    # Reschedule to a time two days later: the session moves, the payment stays.
    page.click("a:has-text('Reschedule')")
    page.locator(".slot-day").first.wait_for()
    shoot_both(page, "reschedule")
    target = page.locator(".slot-day").nth(7)
    target.locator("summary").click()
    button = target.locator("button.slot").first
    new_time = button.inner_text()
    button.click()
    page.wait_for_url(f"{base}/sessions/{booking.number}/")
    assert "Your session was moved" in page.inner_text(".messages")
    assert new_time in page.inner_text(".session-summary")
    booking.refresh_from_db()
    assert (booking.status, booking.reschedule_count) == (Booking.Status.CONFIRMED, 1)
    shoot_both(page, "session-moved")


def test_a_declined_card_keeps_the_time_held_until_the_payment_page_expires_then_frees_it(page, shop, mentors):
    base, customer, emulator = shop["base"], shop["customer"], shop["emulator"]
    page.goto(f"{base}/accounts/login/?next=/mentors/kenji-watanabe/")
    page.fill("input[name='login']", customer.email)
    page.fill("input[name='password']", PASSWORD)
    page.locator("form:has([name='password']) [type=submit]").first.click()
    page.wait_for_url(f"{base}/mentors/kenji-watanabe/")

    # The customer picks a 30-minute time two days ahead and pays with a card the bank declines.
    slot = page.locator(".slot-day").nth(2).locator("a.slot").nth(3)
    chosen = slot.locator("time").get_attribute("datetime")
    offered = f".slot-day a.slot:has(time[datetime='{chosen}'])"
    slot.click()
    page.fill("input[name='topic']", "Negotiating an offer")
    page.click("button:has-text('Continue to payment')")
    page.wait_for_url(HOSTED_PAGE)
    fill_card(page, "4000 0000 0000 0002")
    pay_button(page).click()
    assert page.get_by_test_id("payment-error").inner_text() == "Your card was declined."
    booking = Booking.objects.get(customer=customer)
    assert (booking.status, booking.appointment.status) == (Booking.Status.PENDING_PAYMENT, "held")

    # Back to InnerWork once Stripe has reported the decline: the session page says why, and that nothing was charged.
    emulator.wait_for_webhooks()
    page.get_by_role("link", name="Back to InnerWork").click()
    page.wait_for_url(f"{base}/sessions/{booking.number}/")
    notice = page.inner_text(".messages")
    assert "Your card was declined, so nothing was charged." in notice
    assert "Stripe said: “Your card was declined.”" in notice
    shoot_both(page, "session-unpaid-after-a-declined-card")

    # While Stripe's page stays open (another card may be tried), nobody else is offered that time.
    page.goto(f"{base}/mentors/kenji-watanabe/")
    assert page.locator(offered).count() == 0
    shoot_both(page, "mentor-page-time-held")

    # When the page expires (Stripe's clock passes its expiry and its webhook arrives), the time is free again.
    emulator.advance_clock(31 * 60)
    emulator.wait_for_webhooks()
    booking.refresh_from_db()
    assert booking.status == Booking.Status.EXPIRED
    page.goto(f"{base}/mentors/kenji-watanabe/")
    assert page.locator(offered).count() == 1
