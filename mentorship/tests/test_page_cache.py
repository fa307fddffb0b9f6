"""A mentor's page from the page cache: the same HTML as a fresh render, and every change to what it shows
(profile, name, weekly hours, an appointment by any path, the clock) on the next request."""

import re
from datetime import UTC, datetime, time, timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from innerwork.accounts.tests.factories import UserFactory
from innerwork.scheduling.models import Appointment
from innerwork.scheduling.services import appointment_cancel, appointment_hold, calendar_for
from mentorship.models import MentorProfile
from mentorship.tests.factories import MentorProfileFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 12, 7, 8, 0, 30, tzinfo=UTC)  # a Monday
# A free time on the page, as its booking link carries it.
SLOT_LINK = "start=2026-12-08T10:00:00Z&amp;length=60"


@pytest.fixture(autouse=True)
def _page_cache_on(settings, monkeypatch):
    settings.PAGE_CACHE = True
    cache.clear()
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    yield
    cache.clear()


@pytest.fixture
def mentor():
    profile = MentorProfileFactory(
        slug="ana",
        user__full_name="Ana López",
        status=MentorProfile.Status.APPROVED,
        headline="Engineering leadership",
        session_lengths=[60],
        hourly_rate_amount=12000,
    )
    calendar = calendar_for(profile.user)
    calendar.time_zone = "UTC"
    calendar.min_notice_minutes = 60
    calendar.save()
    for weekday in range(7):
        calendar.weekly_rules.create(weekday=weekday, start_time=time(9), end_time=time(17))
    return profile


def _url(**params) -> str:
    query = "&".join(f"{name}={value}" for name, value in params.items())
    return reverse("mentorship:mentor_detail", kwargs={"slug": "ana"}) + (f"?{query}" if query else "")


def _page(client, url=None) -> str:
    response = client.get(url or _url(tz="UTC"))
    assert response.status_code == 200
    return response.content.decode()


def _tables_read(client, url=None) -> set[str]:
    with CaptureQueriesContext(connection) as captured:
        _page(client, url)
    return {match.group(1) for query in captured if (match := re.search(r'FROM "(\w+)"', query["sql"]))}


def _without_csrf(page: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', 'name="csrfmiddlewaretoken" value=""', page)


def test_a_second_visit_is_served_from_the_cache_and_is_the_page_a_fresh_render_gives(mentor, settings):
    # given a visitor who opened the page once
    client = Client()
    first = _page(client)

    # when they open it again, and when the cache is off
    tables = _tables_read(client)
    cached = _page(client)
    settings.PAGE_CACHE = False
    fresh = _page(client)

    # then the second visit read no mentor, calendar or appointment, and every copy is the same page
    assert tables <= {"django_session"}, tables
    assert SLOT_LINK in first
    assert _without_csrf(first) == _without_csrf(cached) == _without_csrf(fresh)


def _hold_slot(mentor):
    start = datetime(2026, 12, 8, 10, tzinfo=UTC)
    return appointment_hold(
        host=mentor.user,
        guest=UserFactory(),
        start_at=start,
        length=timedelta(hours=1),
        until=NOW + timedelta(minutes=30),
        subject="test:1",
        now=NOW,
    )


def _rename(mentor):
    mentor.user.full_name = "Ana María López"
    mentor.user.save()


def _new_headline(mentor):
    MentorProfile.objects.filter(pk=mentor.pk).update(headline="Staff engineers and their managers")


def _close_tuesdays(mentor):
    calendar_for(mentor.user).weekly_rules.filter(weekday=1).delete()


# (what changes, what the next page shows or no longer shows)
CHANGES = [
    ("a hold on the time (the hold service)", _hold_slot, SLOT_LINK, False),
    ("the mentor's name (their account)", _rename, "Ana María López", True),
    ("the headline (a queryset update, no signal)", _new_headline, "Staff engineers and their managers", True),
    ("Tuesday's hours removed", _close_tuesdays, SLOT_LINK, False),
]


@pytest.mark.parametrize(("change", "shows", "present"), [case[1:] for case in CHANGES], ids=[c[0] for c in CHANGES])
def test_every_change_to_what_the_page_shows_is_on_the_next_request(mentor, change, shows, present):
    # given a page in the cache
    client = Client()
    assert (shows in _page(client)) is not present

    # when something it shows changes, by whatever path
    change(mentor)

    # then the next request shows it
    assert (shows in _page(client)) is present


def test_a_time_freed_again_is_offered_on_the_next_request(mentor):
    # given a page rendered while the time was held
    appointment = _hold_slot(mentor)
    client = Client()
    assert SLOT_LINK not in _page(client)

    # when the hold is cancelled (a status door's guarded update)
    appointment_cancel(appointment=appointment, reason="test")

    # then the time is offered again
    assert Appointment.objects.get(pk=appointment.pk).status == Appointment.Status.CANCELED
    assert SLOT_LINK in _page(client)


def test_the_page_follows_the_clock_minute_by_minute(mentor, monkeypatch):
    # given a page cached at 08:00:30, when 10:00 tomorrow is well beyond the hour of notice
    client = Client()
    assert SLOT_LINK in _page(client)
    tables_same_minute = _tables_read(client)

    # when the clock reaches the next minute
    monkeypatch.setattr(timezone, "now", lambda: NOW + timedelta(seconds=40))
    tables_next_minute = _tables_read(client)

    # then the same minute was served from the cache and the next one was rendered again
    assert "scheduling_appointment" not in tables_same_minute
    assert "scheduling_appointment" in tables_next_minute


def test_each_viewer_zone_and_length_has_its_own_copy(mentor):
    # given the page in UTC in the cache
    client = Client()
    utc = _page(client, _url(tz="UTC"))

    # when the same visitor asks for it in Tokyo
    tokyo = _page(client, _url(tz="Asia/Tokyo"))

    # then the times are Tokyo's (10:00 UTC is 19:00 there), not the cached UTC copy
    assert "10:00" in utc
    assert "19:00" in tokyo
    assert utc != tokyo


def test_a_signed_in_viewer_never_gets_a_visitors_copy(mentor):
    # given the page cached for a visitor
    assert "Log out" not in _page(Client())

    # when a signed-in customer opens it
    customer = UserFactory(full_name="Inès Buyer")
    client = Client()
    client.force_login(customer)
    page = _page(client)

    # then it is their own page (their links in the header)
    assert "Log out" in page
    assert reverse("mentorship:session_list") in page
