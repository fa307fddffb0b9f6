"""A mentor's own area in a real browser (Debian Chromium): their sessions, marking one held, setting weekly hours.

The mentor (in Paris) has no weekly hours yet, a session booked and paid for the day after tomorrow and one
held yesterday. They log in, follow "Mentor area" from the header, see the coming session with its topic and
notes, mark yesterday's completed, then set weekly hours and watch the preview of their free times change.
Each page is shot at laptop and phone widths to be looked at.
"""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from innerwork.accounts.tests.factories import UserFactory, VerifiedUserFactory
from innerwork.scheduling.services import calendar_for
from innerwork.scheduling.tests.factories import AppointmentFactory
from mentorship.models import Booking, MentorProfile
from mentorship.tests.factories import ExpertiseFactory, LanguageFactory, MentorProfileFactory
from tests.e2e.test_checkout_journeys import log_in, shoot_both

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PARIS = ZoneInfo("Europe/Paris")


def _booking(mentor, customer, start_at, *, topic, notes=""):
    """A paid session as fulfilment leaves it: confirmed, with its confirmed appointment."""
    appointment = AppointmentFactory(
        host=mentor.user, guest=customer, start_at=start_at, end_at=start_at + timedelta(hours=1), status="confirmed"
    )
    return Booking.objects.create(
        mentor=mentor,
        customer=customer,
        appointment=appointment,
        status=Booking.Status.CONFIRMED,
        minutes=60,
        price_amount=12000,
        currency="usd",
        topic=topic,
        notes=notes,
    )


@pytest.fixture
def mentor(live_server):
    profile = MentorProfileFactory(
        user=VerifiedUserFactory(email="ana@example.com", full_name="Ana María López", time_zone="Europe/Paris"),
        slug="ana-lopez",
        status=MentorProfile.Status.APPROVED,
        session_lengths=[30, 60, 90],
        meeting_url="https://meet.example/ana-lopez",
    )
    for slug, name in [("leadership", "Leadership"), ("career-change", "Career change"), ("hiring", "Hiring")]:
        ExpertiseFactory(slug=slug, name=name)
    profile.expertise.add(ExpertiseFactory(slug="leadership"))
    profile.languages.add(LanguageFactory(code="en"), LanguageFactory(code="es"))
    LanguageFactory(code="de")
    calendar = calendar_for(profile.user)
    calendar.time_zone = "Europe/Paris"
    calendar.min_notice_minutes = 0
    calendar.save()
    return profile


def test_mentor_sees_their_sessions_marks_one_held_and_sets_weekly_hours(page, live_server, mentor):
    base = live_server.url
    today = timezone.now().astimezone(PARIS).date()
    ahead_day, next_day = today + timedelta(days=2), today + timedelta(days=3)
    customer = UserFactory(full_name="Inès Buyer")
    _booking(
        mentor,
        customer,
        datetime.combine(ahead_day, time(16), tzinfo=PARIS),
        topic="Preparing for my first team lead role",
        notes="I start on Monday and have six reports.",
    )
    _booking(mentor, UserFactory(full_name="Kai Tanaka"), timezone.now() - timedelta(days=1), topic="Hiring well")

    # The mentor logs in and follows "Mentor area" from the header.
    log_in(page, base, mentor.user)
    page.get_by_role("link", name="Mentor area").first.click()
    page.wait_for_url(f"{base}/mentor/")
    upcoming = page.locator("#upcoming-title + .session-rows")
    assert "Inès Buyer" in upcoming.inner_text()
    assert "Preparing for my first team lead role" in upcoming.inner_text()
    assert "I start on Monday and have six reports." in upcoming.inner_text()
    assert "16:00" in upcoming.inner_text()  # in Paris, their calendar's zone
    shoot_both(page, "mentor-area")

    # They mark yesterday's session completed; it counts as held.
    page.get_by_role("button", name="Completed").click()
    page.wait_for_load_state()
    assert "marked completed" in page.locator(".messages").inner_text()
    assert page.locator(".stat-card", has_text="Sessions held").locator("dd").inner_text() == "1"
    assert "Hiring well" not in page.locator("#finish-title + *").inner_text()

    # The calendar: no weekly hours yet, so no free time in the preview.
    page.get_by_role("link", name="Calendar").click()
    page.wait_for_url(f"{base}/mentor/calendar/")
    preview = page.locator(".preview-days")
    assert preview.locator(".preview-day__slots li").count() == 0

    # They open 09:00-12:00 on the weekday of the session ahead, add a row, and open 14:00-16:00 the day after.
    rows = page.locator(".window-row:not(.window-row--head)")
    rows.nth(0).locator("select").select_option(str(ahead_day.weekday()))
    rows.nth(0).locator("input[name$='start_time']").fill("09:00")
    rows.nth(0).locator("input[name$='end_time']").fill("12:00")
    page.get_by_role("button", name="Add a window").click()
    page.wait_for_load_state()
    rows = page.locator(".window-row:not(.window-row--head)")
    assert rows.count() == 2
    rows.nth(1).locator("select").select_option(str(next_day.weekday()))
    rows.nth(1).locator("input[name$='start_time']").fill("14:00")
    rows.nth(1).locator("input[name$='end_time']").fill("16:00")
    page.get_by_role("button", name="Save weekly hours").click()
    page.wait_for_load_state()
    assert "Your weekly hours are saved." in page.locator(".messages").inner_text()

    # The preview now offers those hours (60-minute sessions on the 30-minute grid).
    ahead_label = f"{ahead_day:%a} {ahead_day.day} {ahead_day:%b}"
    next_label = f"{next_day:%a} {next_day.day} {next_day:%b}"
    ahead_slots = preview.locator(".preview-day", has_text=ahead_label).locator(".preview-day__slots li")
    next_slots = preview.locator(".preview-day", has_text=next_label).locator(".preview-day__slots li")
    assert ahead_slots.all_inner_texts() == ["09:00", "09:30", "10:00", "10:30", "11:00"]
    assert next_slots.all_inner_texts() == ["14:00", "14:30", "15:00"]
    shoot_both(page, "mentor-calendar")

    # A day off on the day ahead takes its free times out of the preview.
    page.fill("input[name='override-date']", ahead_day.isoformat())
    page.get_by_label("Day off").check()
    page.get_by_role("button", name="Save override").click()
    page.wait_for_load_state()
    assert ahead_slots.count() == 0
    assert next_slots.count() == 3
    assert "Day off" in page.locator(".override-list").inner_text()

    # The day after, other hours instead of the weekly ones: two windows typed on one line.
    page.fill("input[name='override-date']", next_day.isoformat())
    page.get_by_label("Other hours", exact=True).check()
    page.fill("input[name='override-hours']", "09:00-10:00, 15:00-16:00")
    page.get_by_role("button", name="Save override").click()
    page.wait_for_load_state()
    assert next_slots.all_inner_texts() == ["09:00", "15:00"]
    assert "09:00–10:00, 15:00–16:00" in page.locator(".override-list").inner_text()
    shoot_both(page, "mentor-calendar-overrides")

    # Their profile and rates, to be looked at too.
    page.get_by_role("link", name="Profile & rates").click()
    page.wait_for_url(f"{base}/mentor/profile/")
    shoot_both(page, "mentor-profile")

    # Back on the overview, the session ahead is still there.
    page.get_by_role("link", name="Sessions", exact=True).click()
    page.wait_for_url(f"{base}/mentor/")
    assert "Preparing for my first team lead role" in page.locator("#upcoming-title + .session-rows").inner_text()
    shoot_both(page, "mentor-area-after")
