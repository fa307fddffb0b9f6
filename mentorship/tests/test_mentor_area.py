"""The mentor area through the test client: sessions and stats, profile and rates, calendar with its preview."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags

from commerce.models import Order
from commerce.tests.factories import OrderFactory, OrderLineFactory, paid_order
from commerce.tests.stripe_fixtures import messages_of, signed_in_client
from innerwork.accounts.tests.factories import UserFactory
from innerwork.scheduling.availability import (
    END_NOT_AFTER_START,
    WINDOWS_OVERLAP,
    AvailabilityError,
    weekly_hours_replace,
)
from innerwork.scheduling.forms import (
    OVERRIDE_TIME_UNREADABLE,
    OVERRIDE_TIMES_REQUIRED,
    OVERRIDE_TOO_MANY,
    OVERRIDE_WINDOW_UNREADABLE,
)
from innerwork.scheduling.models import DateOverride, WeeklyRule
from innerwork.scheduling.services import calendar_for
from innerwork.scheduling.tests.factories import AppointmentFactory
from mentorship.bookings import BOOKING_KIND, NOT_FINISHABLE
from mentorship.forms import LENGTHS_REQUIRED, RATE_NOT_POSITIVE
from mentorship.mentor_area import HOURS_SAVED, PROFILE_SAVED
from mentorship.models import Booking, MentorProfile
from mentorship.selectors import mentor_stats
from mentorship.tests.factories import ExpertiseFactory, LanguageFactory, MentorProfileFactory

pytestmark = pytest.mark.django_db

AREA = reverse("mentorship:mentor_area")
PROFILE = reverse("mentorship:mentor_profile")
CALENDAR = reverse("mentorship:mentor_calendar")


def _day_at(days: int, hour: int) -> datetime:
    return datetime.combine(timezone.now().date() + timedelta(days=days), time(hour), tzinfo=UTC)


def _mentor(*, name="Ana López", status=MentorProfile.Status.APPROVED, open_days=range(7)):
    """A mentor open 06:00-22:00 UTC on `open_days`, no notice or buffers, offering 30, 60 and 90 minutes."""
    profile = MentorProfileFactory(user__full_name=name, status=status, session_lengths=[30, 60, 90])
    calendar = calendar_for(profile.user)
    calendar.time_zone = "UTC"
    calendar.min_notice_minutes = 0
    calendar.save()
    for weekday in open_days:
        calendar.weekly_rules.create(weekday=weekday, start_time=time(6), end_time=time(22))
    return profile


@pytest.fixture
def mentor():
    return _mentor()


@pytest.fixture
def customer():
    return UserFactory(full_name="Inès Buyer")


def _booking(mentor, customer, start_at, *, status="confirmed", minutes=60, price=12000, topic="My first team", **kw):
    """A booking and its appointment written directly, as a paid (or finished) booking leaves them."""
    appointment_status = {"pending_payment": "held", "completed": "completed", "no_show": "no_show"}.get(
        status, "confirmed" if status == "confirmed" else "canceled"
    )
    appointment = AppointmentFactory(
        host=mentor.user,
        guest=customer,
        start_at=start_at,
        end_at=start_at + timedelta(minutes=minutes),
        status=appointment_status,
        hold_expires_at=timezone.now() + timedelta(minutes=30) if appointment_status == "held" else None,
    )
    return Booking.objects.create(
        mentor=mentor,
        customer=customer,
        appointment=appointment,
        status=status,
        minutes=minutes,
        price_amount=price,
        currency="usd",
        topic=topic,
        **kw,
    )


def _pay(booking, *, discount=0, refunded=0, paid=True, currency="usd"):
    """The order for `booking` as commerce leaves it: `discount` off by a coupon, `refunded` confirmed back by
    Stripe; still waiting for payment when `paid` is false."""
    total = booking.price_amount - discount
    if paid:
        status = {0: Order.Status.PAID, total: Order.Status.REFUNDED}.get(refunded, Order.Status.PARTIALLY_REFUNDED)
        order = paid_order(
            user=booking.customer,
            lines=[(booking.price_amount, discount)],
            refs=[str(booking.pk)],
            status=status,
            amount_refunded=refunded,
            currency=currency,
        )
    else:
        order = OrderFactory(
            user=booking.customer, subtotal_amount=booking.price_amount, discount_amount=discount, currency=currency
        )
        OrderLineFactory(order=order, ref=str(booking.pk), unit_amount=booking.price_amount, discount_amount=discount)
    order.lines.update(kind=BOOKING_KIND, refunded_amount=refunded)
    return order


def _hours_data(rows, *, add=False):
    """The weekly hours form as posted: rows of (weekday, "HH:MM", "HH:MM") or (weekday, start, end, remove)."""
    data = {"form": "hours", "hours-TOTAL_FORMS": str(len(rows)), "hours-INITIAL_FORMS": "0"}
    for index, row in enumerate(rows):
        weekday, start, end, *remove = row
        data |= {f"hours-{index}-weekday": str(weekday), f"hours-{index}-start_time": start}
        data[f"hours-{index}-end_time"] = end
        if remove:
            data[f"hours-{index}-remove"] = "on"
    if add:
        data["add"] = "1"
    return data


# --- Who may enter ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", [AREA, PROFILE, CALENDAR])
def test_anonymous_visitors_are_sent_to_log_in(client, url):
    # when
    response = client.get(url)
    # then
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("url", [AREA, PROFILE, CALENDAR])
def test_people_without_a_mentor_area_get_404(url):
    # given a customer and a deactivated mentor
    deactivated = _mentor(name="Gone Mentor", status=MentorProfile.Status.DEACTIVATED)
    # when / then
    assert signed_in_client(UserFactory()).get(url).status_code == 404
    assert signed_in_client(deactivated.user).get(url).status_code == 404


def test_a_mentor_waiting_for_approval_can_prepare_their_profile():
    # given
    pending = _mentor(status=MentorProfile.Status.PENDING)
    # when
    response = signed_in_client(pending.user).get(PROFILE)
    # then
    assert response.status_code == 200
    assert "waiting for approval" in response.content.decode()


def test_the_nav_links_to_the_mentor_area_only_for_mentors(mentor, customer):
    # when
    as_mentor = signed_in_client(mentor.user).get(reverse("mentorship:session_list")).content.decode()
    as_customer = signed_in_client(customer).get(reverse("mentorship:session_list")).content.decode()
    # then
    assert f'href="{AREA}"' in as_mentor
    assert f'href="{AREA}"' not in as_customer


# --- Overview -----------------------------------------------------------------------------------------------


def test_overview_lists_upcoming_sessions_in_the_mentors_zone_and_past_ones_to_mark(mentor, customer):
    # given a mentor in Tokyo with a confirmed and an unpaid session ahead, a held one behind, a cancelled one
    calendar = calendar_for(mentor.user)
    calendar.time_zone = "Asia/Tokyo"
    calendar.save()
    ahead = _booking(mentor, customer, _day_at(3, 1), topic="Hiring my first engineer", notes="I have two offers")
    unpaid = _booking(mentor, UserFactory(full_name="Kai Later"), _day_at(4, 2), status="pending_payment")
    behind = _booking(mentor, customer, _day_at(-2, 9), topic="Feedback habits")
    _booking(mentor, customer, _day_at(5, 9), status="canceled", topic="Cancelled talk")
    # when
    response = signed_in_client(mentor.user).get(AREA)
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert [b.pk for b in response.context["upcoming"]] == [ahead.pk, unpaid.pk]
    assert [b.pk for b in response.context["to_finish"]] == [behind.pk]
    assert "Inès Buyer" in html
    assert "Kai Later" in html
    assert "Hiring my first engineer" in html
    assert "I have two offers" in html
    assert "Cancelled talk" not in html
    assert "10:00" in html  # 01:00 UTC is 10:00 in Tokyo
    assert reverse("mentorship:session_detail", args=[ahead.number]) in html
    assert reverse("mentorship:mentor_session_finish", args=[behind.number]) in html
    assert "before platform fees" in html


def test_the_mentor_opens_their_sessions_page_from_the_overview(mentor, customer):
    # given
    booking = _booking(mentor, customer, _day_at(3, 10))
    # when
    response = signed_in_client(mentor.user).get(reverse("mentorship:session_detail", args=[booking.number]))
    # then
    assert response.status_code == 200


@pytest.mark.parametrize(("outcome", "status"), [("completed", "completed"), ("no_show", "no_show")])
def test_a_session_that_has_ended_can_be_marked_completed_or_no_show(mentor, customer, outcome, status):
    # given
    booking = _booking(mentor, customer, _day_at(-1, 9))
    client = signed_in_client(mentor.user)
    # when
    response = client.post(reverse("mentorship:mentor_session_finish", args=[booking.number]), {"outcome": outcome})
    # then
    assert response.status_code == 302
    booking.refresh_from_db()
    booking.appointment.refresh_from_db()
    assert booking.status == status
    assert booking.appointment.status == status
    assert f"marked {booking.get_status_display().lower()}" in messages_of(client.get(AREA))[0]


def test_a_session_not_yet_ended_cannot_be_marked(mentor, customer):
    # given a session under way (it ends in 30 minutes)
    booking = _booking(mentor, customer, timezone.now() - timedelta(minutes=30))
    client = signed_in_client(mentor.user)
    # when
    client.post(reverse("mentorship:mentor_session_finish", args=[booking.number]), {"outcome": "completed"})
    # then
    booking.refresh_from_db()
    assert booking.status == "confirmed"
    assert messages_of(client.get(AREA)) == [NOT_FINISHABLE.format(what="completed")]


def test_another_mentors_session_is_404_and_stays_as_it_was(mentor, customer):
    # given
    other = _mentor(name="Kenji Watanabe")
    theirs = _booking(other, customer, _day_at(-1, 9))
    # when
    response = signed_in_client(mentor.user).post(
        reverse("mentorship:mentor_session_finish", args=[theirs.number]), {"outcome": "completed"}
    )
    # then
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == "confirmed"


def test_marking_needs_a_post(mentor, customer):
    booking = _booking(mentor, customer, _day_at(-1, 9))
    response = signed_in_client(mentor.user).get(reverse("mentorship:mentor_session_finish", args=[booking.number]))
    assert response.status_code == 405


# --- Stats --------------------------------------------------------------------------------------------------

NOW = datetime(2026, 12, 3, 18, 0, tzinfo=UTC)

# (status, start in UTC, minutes, price in cents, refunded in cents)
BOOKINGS = [
    ("completed", datetime(2026, 12, 1, 9, tzinfo=UTC), 60, 12000, 0),
    ("completed", datetime(2026, 11, 30, 23, 30, tzinfo=UTC), 30, 6000, 0),  # 1 Dec in Tokyo, 30 Nov in UTC
    ("confirmed", datetime(2026, 11, 10, 9, tzinfo=UTC), 90, 18000, 0),  # held, not marked yet: earned
    ("confirmed", datetime(2026, 12, 10, 9, tzinfo=UTC), 60, 12000, 0),  # ahead: not earned yet
    ("no_show", datetime(2026, 10, 5, 9, tzinfo=UTC), 60, 12000, 0),  # the customer's absence: earned
    ("refunded", datetime(2026, 10, 6, 9, tzinfo=UTC), 60, 12000, 12000),  # all went back: nothing
    ("canceled", datetime(2026, 9, 7, 9, tzinfo=UTC), 60, 12000, 6000),  # cancelled late, half kept
    ("completed", datetime(2026, 7, 1, 9, tzinfo=UTC), 60, 12000, 0),
    ("completed", datetime(2026, 5, 20, 9, tzinfo=UTC), 60, 9000, 0),  # before the six months: held, not in months
]


@pytest.mark.parametrize(
    ("zone", "expected_months"),
    [
        (
            "UTC",
            {
                date(2026, 7, 1): 12000,
                date(2026, 9, 1): 6000,
                date(2026, 10, 1): 12000,
                date(2026, 11, 1): 18000 + 6000,
                date(2026, 12, 1): 12000,
            },
        ),
        (
            "Asia/Tokyo",
            {
                date(2026, 7, 1): 12000,
                date(2026, 9, 1): 6000,
                date(2026, 10, 1): 12000,
                date(2026, 11, 1): 18000,
                date(2026, 12, 1): 12000 + 6000,
            },
        ),
    ],
)
def test_stats_count_sessions_held_and_earnings_by_month_in_three_queries(
    mentor, customer, zone, expected_months, django_assert_num_queries
):
    # given
    for status, start, minutes, price, refunded in BOOKINGS:
        _pay(_booking(mentor, customer, start, status=status, minutes=minutes, price=price), refunded=refunded)
    # when
    with django_assert_num_queries(3):
        stats = mentor_stats(mentor=mentor, zone=ZoneInfo(zone), now=NOW)
    # then
    assert stats.sessions_held == 4
    assert stats.minutes_held == 60 + 30 + 60 + 60
    assert stats.hours_held == 3.5
    assert [month.month for month in stats.months] == [date(2026, m, 1) for m in (7, 8, 9, 10, 11, 12)]
    assert {month.month: month.amount for month in stats.months if month.amount} == expected_months
    assert {month.month: month.sessions for month in stats.months if month.sessions} == {
        date(2026, 7, 1): 1,
        date(2026, 10, 1): 1,  # the no-show; the refunded and the cancelled were not held
        date(2026, 11, 1): 2 if zone == "UTC" else 1,
        date(2026, 12, 1): 1 if zone == "UTC" else 2,
    }
    assert stats.earnings_total == sum(expected_months.values())


# Each case: one session held in November 2026 (UTC), its price 12000, and what happened to its payment.
# (case, booking status, payments as (discount, refunded, paid, currency), earnings in November)
EARNINGS_CASES = [
    ("full price", "completed", [(0, 0, True, "usd")], 12000),
    ("coupon", "completed", [(3000, 0, True, "usd")], 9000),
    ("coupon and partial refund", "completed", [(3000, 4000, True, "usd")], 5000),
    ("partial refund, not marked yet", "confirmed", [(0, 2500, True, "usd")], 9500),
    ("full refund after the session", "completed", [(0, 12000, True, "usd")], 0),
    ("paid twice, second refunded", "completed", [(0, 0, True, "usd"), (0, 12000, True, "usd")], 12000),
    ("unpaid order", "confirmed", [(0, 0, False, "usd")], 0),
    ("no order at all", "completed", [], 0),
    ("paid in another currency", "completed", [(0, 0, True, "eur")], 0),
    ("expired, its order never paid", "expired", [(0, 0, False, "usd")], 0),
    ("refunded before the session", "refunded", [(0, 12000, True, "usd")], 0),
    ("the customer did not come", "no_show", [(0, 0, True, "usd")], 12000),
    ("cancelled late, half refunded", "canceled", [(0, 6000, True, "usd")], 6000),
    ("cancelled in time, all refunded", "canceled", [(0, 12000, True, "usd")], 0),
]


@pytest.mark.parametrize(
    ("status", "payments", "earned"), [case[1:] for case in EARNINGS_CASES], ids=[case[0] for case in EARNINGS_CASES]
)
def test_earnings_are_what_was_paid_for_the_session_less_what_was_refunded(
    mentor, customer, status, payments, earned, django_assert_max_num_queries
):
    # given a session in November and a full-price one in October, with their payments
    booking = _booking(mentor, customer, datetime(2026, 11, 10, 9, tzinfo=UTC), status=status, price=12000)
    for discount, refunded, paid, currency in payments:
        _pay(booking, discount=discount, refunded=refunded, paid=paid, currency=currency)
    _pay(_booking(mentor, customer, datetime(2026, 10, 10, 9, tzinfo=UTC), status="completed", price=8000))
    # when
    with django_assert_max_num_queries(3):
        stats = mentor_stats(mentor=mentor, zone=ZoneInfo("UTC"), now=NOW)
    # then
    by_month = {month.month: month.amount for month in stats.months}
    assert by_month[date(2026, 11, 1)] == earned
    assert by_month[date(2026, 10, 1)] == 8000
    assert stats.earnings_total == earned + 8000


def test_the_overview_shows_the_stats(mentor, customer):
    # given
    _pay(_booking(mentor, customer, _day_at(-3, 9), status="completed", minutes=90, price=18000))
    # when
    html = signed_in_client(mentor.user).get(AREA).content.decode()
    # then
    assert "<dt>Hours held</dt><dd>1.5</dd>" in html
    assert "$180.00" in html


# --- Profile ------------------------------------------------------------------------------------------------


def _profile_data(**changes):
    data = {
        "headline": "Helps engineers become managers",
        "bio": "Ten years of leading teams.",
        "hourly_rate": "95.50",
        "session_lengths": ["30", "90"],
        "meeting_url": "https://meet.example/ana",
    }
    return data | changes


def test_the_profile_saves_rate_in_cents_lengths_expertise_and_languages(mentor):
    # given
    leadership = ExpertiseFactory(slug="leadership", name="Leadership")
    spanish = LanguageFactory(code="es")
    client = signed_in_client(mentor.user)
    # when
    response = client.post(PROFILE, _profile_data(expertise=[leadership.pk], languages=[spanish.pk]))
    # then
    assert response.status_code == 302
    mentor.refresh_from_db()
    assert mentor.hourly_rate_amount == 9550
    assert mentor.session_lengths == [30, 90]
    assert mentor.headline == "Helps engineers become managers"
    assert mentor.meeting_url == "https://meet.example/ana"
    assert list(mentor.expertise.all()) == [leadership]
    assert list(mentor.languages.all()) == [spanish]
    page = client.get(PROFILE)
    assert messages_of(page) == [PROFILE_SAVED]
    assert 'value="95.50"' in page.content.decode()


@pytest.mark.parametrize(
    ("changes", "field", "error"),
    [
        ({"hourly_rate": "0"}, "hourly_rate", RATE_NOT_POSITIVE),
        ({"hourly_rate": "-20"}, "hourly_rate", RATE_NOT_POSITIVE),
        ({"hourly_rate": "12.345"}, "hourly_rate", None),
        ({"session_lengths": []}, "session_lengths", LENGTHS_REQUIRED),
        ({"session_lengths": ["20"]}, "session_lengths", None),
        ({"headline": ""}, "headline", None),
        ({"meeting_url": "not a link"}, "meeting_url", None),
    ],
)
def test_the_profile_refuses_bad_input_and_keeps_what_was_there(mentor, changes, field, error):
    # when
    response = signed_in_client(mentor.user).post(PROFILE, _profile_data(**changes))
    # then
    assert response.status_code == 400
    assert field in response.context["form"].errors
    if error:
        assert response.context["form"].errors[field] == [error]
    mentor.refresh_from_db()
    assert mentor.hourly_rate_amount == 12000
    assert mentor.session_lengths == [30, 60, 90]


# --- Calendar -----------------------------------------------------------------------------------------------


def test_the_calendar_page_shows_settings_hours_overrides_and_a_preview(mentor):
    # given
    calendar = calendar_for(mentor.user)
    calendar.buffer_after_minutes = 15
    calendar.save()
    tomorrow = timezone.now().date() + timedelta(days=1)
    calendar.date_overrides.create(date=tomorrow, start_time=time(10), end_time=time(12))
    # when
    response = signed_in_client(mentor.user).get(CALENDAR)
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert len(response.context["hours_formset"].forms) == 7 + 1  # every day's window and an empty row
    assert 'value="06:00"' in html
    assert 'value="22:00"' in html
    assert "10:00–12:00" in html
    days = response.context["preview_days"]
    assert len(days) == 7
    assert response.context["preview_minutes"] == 60
    tomorrow_slots = next(day.slots for day in days if day.day == tomorrow)
    assert [f"{slot.start:%H:%M}" for slot in tomorrow_slots] == ["10:00", "10:30", "11:00"]


def test_weekly_hours_replace_the_old_ones_and_the_preview_follows(mentor):
    # given
    client = signed_in_client(mentor.user)
    # when Monday gets two windows, Wednesday one, an old row is removed and an empty row is skipped
    rows = [(0, "09:00", "12:00"), (0, "14:00", "16:00"), (2, "10:00", "11:00"), (3, "06:00", "22:00", "remove")]
    response = client.post(CALENDAR, _hours_data([*rows, (4, "", "")]))
    # then
    assert response.status_code == 302
    rules = list(
        WeeklyRule.objects.filter(calendar__owner=mentor.user).values_list("weekday", "start_time", "end_time")
    )
    assert rules == [(0, time(9), time(12)), (0, time(14), time(16)), (2, time(10), time(11))]
    page = client.get(CALENDAR)
    assert messages_of(page) == [HOURS_SAVED]
    for day in page.context["preview_days"]:
        expected = {0: ["09:00", "09:30", "10:00", "10:30", "11:00", "14:00", "14:30", "15:00"], 2: ["10:00"]}
        starts = [f"{slot.start:%H:%M}" for slot in day.slots if slot.start > timezone.now()]
        if day.day > timezone.now().date():
            assert starts == expected.get(day.day.weekday(), [])


@pytest.mark.parametrize(
    ("rows", "error"),
    [
        (
            [(0, "09:00", "12:00"), (0, "11:00", "13:00")],
            WINDOWS_OVERLAP.format(day="Monday", first="09:00–12:00", second="11:00–13:00"),
        ),
        (
            [(4, "09:00", "17:00"), (4, "10:00", "11:00")],
            WINDOWS_OVERLAP.format(day="Friday", first="09:00–17:00", second="10:00–11:00"),
        ),
        ([(1, "12:00", "09:00")], "Tuesday: a window must end after it starts (12:00–09:00)."),
    ],
)
def test_overlapping_or_backwards_windows_are_refused_and_nothing_changes(mentor, rows, error):
    # when
    response = signed_in_client(mentor.user).post(CALENDAR, _hours_data(rows))
    # then
    assert response.status_code == 400
    assert response.context["hours_formset"].non_form_errors() == [error]
    assert WeeklyRule.objects.filter(calendar__owner=mentor.user).count() == 7


def test_windows_that_only_touch_are_kept():
    # given
    calendar = calendar_for(UserFactory())
    # when
    rules = weekly_hours_replace(calendar=calendar, windows=[(0, time(12), time(17)), (0, time(9), time(12))])
    # then
    assert [(rule.start_time, rule.end_time) for rule in rules] == [(time(9), time(12)), (time(12), time(17))]
    with pytest.raises(AvailabilityError):
        weekly_hours_replace(calendar=calendar, windows=[(0, time(9), time(12)), (0, time(11, 59), time(13))])
    assert calendar.weekly_rules.count() == 2


def test_add_a_window_gives_an_empty_row_and_saves_nothing(mentor):
    # when
    response = signed_in_client(mentor.user).post(CALENDAR, _hours_data([(0, "09:00", "12:00")], add=True))
    # then
    assert response.status_code == 200
    forms = response.context["hours_formset"].forms
    assert len(forms) == 2
    assert forms[0]["start_time"].value() == "09:00"
    assert WeeklyRule.objects.filter(calendar__owner=mentor.user).count() == 7


def test_a_day_off_removes_that_days_slots_from_the_preview_until_deleted(mentor):
    # given
    client = signed_in_client(mentor.user)
    day = timezone.now().date() + timedelta(days=2)

    def slots_on(page):
        return next(d.slots for d in page.context["preview_days"] if d.day == day)

    assert slots_on(client.get(CALENDAR))
    # when
    response = client.post(CALENDAR, {"form": "override", "override-date": day.isoformat(), "override-kind": "off"})
    # then
    assert response.status_code == 302
    page = client.get(CALENDAR)
    assert slots_on(page) == []
    assert DateOverride.objects.get(calendar__owner=mentor.user).unavailable
    # and deleting the override brings the weekly hours back
    client.post(CALENDAR, {"form": "override-remove", "date": day.isoformat()})
    assert not DateOverride.objects.filter(calendar__owner=mentor.user).exists()
    assert len(slots_on(client.get(CALENDAR))) == 31  # 06:00 to 21:00, every half hour


def _override(client, day, hours, *, kind="hours"):
    data = {"form": "override", "override-date": day.isoformat(), "override-kind": kind, "override-hours": hours}
    return client.post(CALENDAR, data)


@pytest.mark.parametrize(
    ("hours", "windows"),
    [
        ("09:00-12:00, 14:00-17:00", [(time(9), time(12)), (time(14), time(17))]),
        ("14:00–17:00; 9-12", [(time(9), time(12)), (time(14), time(17))]),
        ("9.30 to 10:30\n13h00 - 14:00", [(time(9, 30), time(10, 30)), (time(13), time(14))]),
        ("08:00-12:00, 12:00-13:00", [(time(8), time(12)), (time(12), time(13))]),  # touching is not overlapping
        ("00:00-23:59", [(time(0), time(23, 59))]),
    ],
    ids=["two-windows", "dashes-semicolon-unordered", "dots-h-newline", "touching", "whole-day"],
)
def test_a_date_override_takes_several_windows(mentor, hours, windows):
    # given
    day = timezone.now().date() + timedelta(days=2)
    # when
    response = _override(signed_in_client(mentor.user), day, hours)
    # then
    assert response.status_code == 302
    saved = DateOverride.objects.filter(calendar__owner=mentor.user, date=day)
    assert [(row.start_time, row.end_time) for row in saved] == windows
    assert not saved.filter(unavailable=True).exists()


@pytest.mark.parametrize(
    ("hours", "error"),
    [
        ("", OVERRIDE_TIMES_REQUIRED),
        (" , ", OVERRIDE_TIMES_REQUIRED),
        (
            "09:00-12:00, 11:00-13:00",
            WINDOWS_OVERLAP.format(day="That date", first="09:00–12:00", second="11:00–13:00"),
        ),
        ("12:00-09:00", END_NOT_AFTER_START.format(day="That date", start=time(12), end=time(9))),
        ("10:00-10:00", END_NOT_AFTER_START.format(day="That date", start=time(10), end=time(10))),
        ("22:00-24:00", OVERRIDE_TIME_UNREADABLE.format(value="24:00")),
        ("09:75-10:00", OVERRIDE_TIME_UNREADABLE.format(value="09:75")),
        ("09:00", OVERRIDE_WINDOW_UNREADABLE.format(part="09:00")),
        ("mornings", OVERRIDE_WINDOW_UNREADABLE.format(part="mornings")),
        (", ".join(f"{h:02d}:00-{h:02d}:30" for h in range(13)), OVERRIDE_TOO_MANY.format(count=12)),
    ],
    ids=[
        "empty",
        "only-commas",
        "overlap",
        "end-before-start",
        "empty-window",
        "past-midnight",
        "bad-minutes",
        "one-time",
        "words",
        "too-many",
    ],
)
def test_a_date_override_refuses_hours_it_cannot_keep_and_leaves_the_date_as_it_was(mentor, hours, error):
    # given the date already has an override
    day = timezone.now().date() + timedelta(days=2)
    client = signed_in_client(mentor.user)
    _override(client, day, "10:00-11:00")
    # when
    response = _override(client, day, hours)
    # then
    assert response.status_code == 400
    assert response.context["override_form"].errors["hours"] == [error]
    assert error in response.content.decode()
    rows = DateOverride.objects.filter(calendar__owner=mentor.user)
    assert [(row.date, row.start_time, row.end_time) for row in rows] == [(day, time(10), time(11))]


def test_a_day_off_ignores_whatever_was_left_in_the_hours(mentor):
    day = timezone.now().date() + timedelta(days=2)

    response = _override(signed_in_client(mentor.user), day, "not hours", kind="off")

    assert response.status_code == 302
    assert DateOverride.objects.get(calendar__owner=mentor.user).unavailable


def test_the_preview_and_the_override_list_follow_several_windows_on_a_date(mentor):
    # given a mentor open 06:00-22:00 and previewing 60-minute sessions every half hour
    client = signed_in_client(mentor.user)
    day = timezone.now().date() + timedelta(days=2)
    # when that date gets two short windows
    _override(client, day, "14:00-15:30, 06:00-07:00")
    # then only those windows' times are offered that day, and the list shows both
    page = client.get(CALENDAR)
    slots = next(d.slots for d in page.context["preview_days"] if d.day == day)
    assert [slot.start.strftime("%H:%M") for slot in slots] == ["06:00", "14:00", "14:30"]
    assert "06:00–07:00, 14:00–15:30" in strip_tags(page.content.decode())
    # and a new override for the date replaces them
    _override(client, day, "08:00-09:00")
    slots = next(d.slots for d in client.get(CALENDAR).context["preview_days"] if d.day == day)
    assert [slot.start.strftime("%H:%M") for slot in slots] == ["08:00"]


def test_calendar_settings_save_zone_buffers_notice_in_hours_and_horizon(mentor):
    # when
    response = signed_in_client(mentor.user).post(
        CALENDAR,
        {
            "form": "settings",
            "time_zone": "Europe/Berlin",
            "buffer_before_minutes": "10",
            "buffer_after_minutes": "15",
            "min_notice_hours": "24",
            "horizon_days": "30",
        },
    )
    # then
    assert response.status_code == 302
    calendar = calendar_for(mentor.user)
    calendar.refresh_from_db()
    assert (calendar.time_zone, calendar.buffer_before_minutes, calendar.buffer_after_minutes) == (
        "Europe/Berlin",
        10,
        15,
    )
    assert (calendar.min_notice_minutes, calendar.horizon_days) == (24 * 60, 30)


def test_calendar_settings_refuse_an_unknown_zone_and_a_zero_horizon(mentor):
    response = signed_in_client(mentor.user).post(
        CALENDAR,
        {
            "form": "settings",
            "time_zone": "Mars/Olympus",
            "buffer_before_minutes": "0",
            "buffer_after_minutes": "0",
            "min_notice_hours": "0",
            "horizon_days": "0",
        },
    )
    assert response.status_code == 400
    assert set(response.context["settings_form"].errors) == {"time_zone", "horizon_days"}
    assert calendar_for(mentor.user).time_zone == "UTC"
