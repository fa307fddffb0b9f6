"""The mentorship pages through the test client: browsing, booking and paying (Stripe emulator), "My sessions"."""

from datetime import UTC, datetime, time, timedelta
from urllib.parse import urlsplit

import icalendar
import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from commerce.models import Order
from commerce.tests.stripe_fixtures import PAY_URL, messages_of, run_at_once, signed_in_client
from innerwork.accounts.tests.factories import UserFactory
from innerwork.scheduling.models import Appointment
from innerwork.scheduling.services import calendar_for
from innerwork.scheduling.tests.factories import AppointmentFactory
from mentorship.bookings import booking_start
from mentorship.models import Booking, MentorProfile
from mentorship.tests.factories import ExpertiseFactory, LanguageFactory, MentorProfileFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def _day_at(days: int, hour: int) -> datetime:
    return datetime.combine(timezone.now().date() + timedelta(days=days), time(hour), tzinfo=UTC)


def _mentor(*, name="Ana López", open_days=range(7), rate=12000, **kwargs):
    """An approved mentor open 06:00-22:00 UTC on `open_days` (weekday numbers), no notice or buffers."""
    profile = MentorProfileFactory(
        user__full_name=name,
        status=MentorProfile.Status.APPROVED,
        meeting_url="https://meet.example/room",
        session_lengths=[30, 60, 90],
        hourly_rate_amount=rate,
        **kwargs,
    )
    calendar = calendar_for(profile.user)
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
    return UserFactory(full_name="Inès Buyer", time_zone="Asia/Tokyo")


def _book_url(mentor, start, minutes=30):
    return (
        reverse("mentorship:book", kwargs={"slug": mentor.slug}) + f"?start={start:%Y-%m-%dT%H:%M:%SZ}&length={minutes}"
    )


def _post_booking(client, mentor, start, *, minutes=30, token="tok-1", topic="My first team"):
    return client.post(
        _book_url(mentor, start, minutes),
        {"start": f"{start:%Y-%m-%dT%H:%M:%SZ}", "length": minutes, "token": token, "topic": topic, "notes": "Hi"},
    )


def _session_id(response) -> str:
    assert response.status_code == 303, (response.status_code, response.content[:400])
    return PAY_URL.search(urlsplit(response["Location"]).path).group(1)


def _paid_booking(client, emulator, mentor, start, minutes=30) -> Booking:
    session_id = _session_id(_post_booking(client, mentor, start, minutes=minutes))
    emulator.pay_checkout_session(session_id, card="4242424242424242")
    booking = Booking.objects.get()
    response = client.get(reverse("mentorship:session_paid", args=[booking.number]) + f"?session_id={session_id}")
    assert response.status_code == 302
    booking.refresh_from_db()
    return booking


# --- The mentors list -------------------------------------------------------------------------------------


def test_mentors_list_shows_each_approved_mentor_with_price_and_next_free_time_in_the_viewers_zone(client, mentor):
    # given an approved mentor (120.00 an hour: 60.00 for 30 min), a pending one, and a viewer in Tokyo
    mentor.expertise.add(ExpertiseFactory(slug="leadership", name="Leadership"))
    mentor.languages.add(LanguageFactory(code="es"))
    MentorProfileFactory(user__full_name="Pending Person")
    # when the list is opened
    response = client.get(reverse("mentorship:mentor_list") + "?tz=Asia/Tokyo")
    # then the card shows initials, name, headline, expertise, language, price and the next free time
    html = response.content.decode()
    assert response.status_code == 200
    assert "Ana López" in html
    assert "AL" in html
    assert mentor.headline in html
    assert "Leadership" in html
    assert "Spanish" in html
    assert "$60.00" in html
    assert "/ 30 min" in html
    assert "Pending Person" not in html
    assert "Times in <strong>Asia/Tokyo" in html
    [card] = response.context["cards"]
    shown = card.next_slot.start.astimezone(timezone.zoneinfo.ZoneInfo("Asia/Tokyo"))
    assert f"{shown:%H:%M}" in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("expertise=leadership", ["Ana López"]),
        ("language=de", ["Ben Braun"]),
        ("max_rate=100", ["Ben Braun"]),
        ("this_week=on", ["Ana López", "Ben Braun"]),
        ("", ["Ana López", "Ben Braun", "Cleo Later"]),
    ],
)
def test_mentors_list_filters(client, query, expected):
    # given Ana (leadership, 120/h), Ben (German, 80/h) and Cleo, who is free only in ten days
    ana = _mentor(name="Ana López")
    ana.expertise.add(ExpertiseFactory(slug="leadership", name="Leadership"))
    ben = _mentor(name="Ben Braun", rate=8000)
    ben.languages.add(LanguageFactory(code="de"))
    cleo = _mentor(name="Cleo Later", open_days=[])
    calendar = calendar_for(cleo.user)
    calendar.date_overrides.create(
        date=timezone.now().date() + timedelta(days=10), start_time=time(9), end_time=time(12)
    )
    # when the list is filtered
    response = client.get(reverse("mentorship:mentor_list") + "?" + query)
    # then
    assert [str(card.mentor) for card in response.context["cards"]] == expected


def test_mentors_list_is_paginated_by_twelve(client):
    for index in range(13):
        _mentor(name=f"Mentor {index:02d}")
    first = client.get(reverse("mentorship:mentor_list"))
    second = client.get(reverse("mentorship:mentor_list") + "?page=2")
    assert len(first.context["cards"]) == 12
    assert len(second.context["cards"]) == 1
    assert "Page 1 of 2" in first.content.decode()


def _mentors_with_appointments(count: int, appointments: int):
    for index in range(count):
        profile = _mentor(name=f"Mentor {index}")
        profile.expertise.add(ExpertiseFactory(slug=f"topic-{index % 3}"))
        profile.languages.add(LanguageFactory(code="en"))
        for slot in range(appointments):
            AppointmentFactory(host=profile.user, start_at=_day_at(1 + slot // 8, 6 + 2 * (slot % 8)))


@pytest.mark.parametrize("this_week", ["", "?this_week=on"])
def test_mentors_list_runs_the_same_number_of_queries_for_2_or_6_mentors(
    client, django_assert_max_num_queries, this_week
):
    url = reverse("mentorship:mentor_list") + this_week
    _mentors_with_appointments(2, appointments=1)
    with django_assert_max_num_queries(100) as few:
        client.get(url)
    _mentors_with_appointments(4, appointments=20)
    with django_assert_max_num_queries(100) as many:
        client.get(url)
    assert len(many.captured_queries) == len(few.captured_queries)


# --- A mentor's page ---------------------------------------------------------------------------------------


def test_mentor_page_shows_bio_lengths_with_prices_and_14_days_of_slots_by_day_in_the_viewers_zone(client, mentor):
    # when a viewer in Tokyo opens the page for 60 minutes
    response = client.get(reverse("mentorship:mentor_detail", args=[mentor.slug]) + "?length=60&tz=Asia/Tokyo")
    # then the lengths and prices (server-side) and the zone are on the page
    html = response.content.decode()
    assert response.status_code == 200
    assert mentor.bio in html
    assert "$60.00" in html
    assert "$120.00" in html
    assert "$180.00" in html
    assert "Times in <strong>Asia/Tokyo" in html
    # and the slots are 60 minutes, grouped by Tokyo date, each a link to the booking form in UTC
    days = response.context["days"]
    assert 13 <= len(days) <= 15
    tokyo = timezone.zoneinfo.ZoneInfo("Asia/Tokyo")
    for day, slots in days:
        assert all(slot.start.astimezone(tokyo).date() == day.day for slot, _ in slots)
        assert all(slot.end - slot.start == timedelta(minutes=60) for slot, _ in slots)
    first_slot, first_url = days[0][1][0]
    assert first_url == _book_url(mentor, first_slot.start, 60)
    assert first_url.replace("&", "&amp;") in html
    assert f"{first_slot.start.astimezone(tokyo):%H:%M}" in html


def test_signed_in_viewer_sees_times_in_their_account_zone(client, mentor, customer):
    client.force_login(customer)
    response = client.get(reverse("mentorship:mentor_detail", args=[mentor.slug]))
    assert "Times in <strong>Asia/Tokyo" in response.content.decode()
    assert response.context["minutes"] == 30  # the shortest length by default


@pytest.mark.parametrize("status", [MentorProfile.Status.PENDING, MentorProfile.Status.DEACTIVATED])
def test_a_mentor_not_approved_has_no_page(client, status):
    profile = MentorProfileFactory(status=status)
    assert client.get(reverse("mentorship:mentor_detail", args=[profile.slug])).status_code == 404
    assert client.get(reverse("mentorship:book", args=[profile.slug])).status_code == 404


def test_mentor_page_runs_the_same_number_of_queries_for_few_or_many_appointments(
    client, mentor, django_assert_max_num_queries
):
    url = reverse("mentorship:mentor_detail", args=[mentor.slug])
    AppointmentFactory(host=mentor.user, start_at=_day_at(2, 10))
    with django_assert_max_num_queries(100) as few:
        client.get(url)
    for slot in range(60):
        AppointmentFactory(host=mentor.user, start_at=_day_at(3 + slot // 8, 6 + 2 * (slot % 8)))
    mentor.user.calendar.weekly_rules.create(weekday=0, start_time=time(5), end_time=time(6))
    with django_assert_max_num_queries(100) as many:
        client.get(url)
    assert len(many.captured_queries) == len(few.captured_queries)


# --- Booking ------------------------------------------------------------------------------------------------


def test_an_anonymous_visitor_is_sent_to_log_in_and_back_to_the_booking_form(client, mentor):
    url = _book_url(mentor, _day_at(3, 10))
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login") + "?next=")
    assert "start%3D" in response["Location"]
    assert "length%3D30" in response["Location"]


def test_booking_form_shows_the_mentor_time_in_the_viewers_zone_length_and_price(client, mentor, customer):
    client.force_login(customer)
    response = client.get(_book_url(mentor, _day_at(3, 10), 60))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Ana López" in html
    assert "19:00" in html
    assert "60 minutes" in html
    assert "$120.00" in html
    assert 'name="topic"' in html
    assert 'name="token"' in html


def test_booking_post_holds_the_time_and_sends_the_customer_to_stripe(client, emulator, mentor, customer):
    # given a signed-in customer on the form
    client.force_login(customer)
    # when they send it
    response = _post_booking(client, mentor, _day_at(3, 10))
    # then the booking waits for payment with its time held, and they are sent (303) to Stripe's page
    assert _session_id(response)
    booking = Booking.objects.get()
    assert (booking.status, booking.topic, booking.appointment.status) == ("pending_payment", "My first team", "held")


def test_a_double_post_of_one_form_makes_one_booking(client, emulator, mentor, customer):
    # given a customer who sends the booking form twice (double click, or back and send again)
    client.force_login(customer)
    first = _post_booking(client, mentor, _day_at(3, 10), token="same")
    # when the same form (same token) arrives again
    second = _post_booking(client, mentor, _day_at(3, 10), token="same")
    # then there is one booking and one order, and both go to the same payment page
    assert Booking.objects.count() == 1
    assert _session_id(first) == _session_id(second)


def test_a_topic_is_required(client, mentor, customer):
    client.force_login(customer)
    response = _post_booking(client, mentor, _day_at(3, 10), topic="")
    assert response.status_code == 400
    assert "This field is required" in response.content.decode()
    assert not Booking.objects.exists()


def test_a_time_just_taken_sends_back_to_the_mentor_with_other_times(client, emulator, mentor, customer):
    # given someone else holds 10:00 in three days
    start = _day_at(3, 10)
    booking_start(customer=UserFactory(), mentor=mentor, start_at=start, minutes=30, topic="Theirs")
    client.force_login(customer)
    # when our customer sends the form for that time
    response = _post_booking(client, mentor, start)
    # then they are back on the mentor's times, told so, with nearby times as links to the form
    html = response.content.decode()
    assert response.status_code == 409
    assert "That time was just taken." in html
    alternatives = response.context["alternatives"]
    assert alternatives
    assert all(slot.start != start for slot, _ in alternatives)
    assert alternatives[0][1].replace("&", "&amp;") in html
    assert Booking.objects.count() == 1


def test_booking_attempts_are_rate_limited(emulator, mentor, customer, settings):
    client = signed_in_client(customer)
    limit = settings.CHECKOUT_ATTEMPTS_PER_MINUTE
    for _index in range(limit):
        client.post(_book_url(mentor, _day_at(3, 10)), {"topic": ""})
    response = _post_booking(client, mentor, _day_at(4, 10), token="over")
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()


# --- Back from Stripe ----------------------------------------------------------------------------------------


def test_paying_brings_the_customer_to_their_confirmed_session(client, emulator, mentor, customer):
    client.force_login(customer)
    session_id = _session_id(_post_booking(client, mentor, _day_at(3, 10)))
    emulator.pay_checkout_session(session_id, card="4242424242424242")
    booking = Booking.objects.get()
    # when Stripe sends them back
    response = client.get(reverse("mentorship:session_paid", args=[booking.number]) + f"?session_id={session_id}")
    # then the booking is confirmed at once and they land on its page, told so
    assert response["Location"] == reverse("mentorship:session_detail", args=[booking.number])
    assert "Your session is booked" in messages_of(response)[0]
    booking.refresh_from_db()
    assert booking.status == "confirmed"
    page = client.get(response["Location"]).content.decode()
    assert "https://meet.example/room" in page
    assert "Confirmed" in page


def test_a_forged_session_id_is_a_404(client, emulator, mentor, customer):
    client.force_login(customer)
    _post_booking(client, mentor, _day_at(3, 10))
    booking = Booking.objects.get()
    response = client.get(reverse("mentorship:session_paid", args=[booking.number]) + "?session_id=cs_test_nope")
    assert response.status_code == 404


def test_leaving_stripe_shows_the_session_unpaid_with_the_hold_and_pay_now(client, emulator, mentor, customer):
    client.force_login(customer)
    _post_booking(client, mentor, _day_at(3, 10))
    booking = Booking.objects.get()
    # when they come back through the cancel URL
    response = client.get(reverse("mentorship:session_not_paid", args=[booking.number]), follow=True)
    # then the session page says nothing was paid, until when the time is held (Tokyo time), and offers to pay
    html = response.content.decode()
    hold = booking.appointment.hold_expires_at.astimezone(timezone.zoneinfo.ZoneInfo("Asia/Tokyo"))
    assert "The payment was not made" in html
    assert f'until <time datetime="{hold.isoformat()}">{hold:%H:%M}</time>' in html
    assert "Pay now" in html
    assert "https://meet.example/room" not in html
    # and "Pay now" goes to Stripe's page again
    pay = client.post(reverse("mentorship:session_pay", args=[booking.number]))
    assert _session_id(pay)


# --- My sessions ---------------------------------------------------------------------------------------------


def test_my_sessions_lists_upcoming_and_past_in_the_customers_zone(client, emulator, mentor, customer):
    client.force_login(customer)
    booking = _paid_booking(client, emulator, mentor, _day_at(3, 10))
    past = Booking.objects.create(
        mentor=mentor,
        customer=customer,
        minutes=30,
        price_amount=6000,
        currency="usd",
        topic="Long ago",
        appointment=AppointmentFactory(host=mentor.user, guest=customer, start_at=_day_at(-5, 9), status="confirmed"),
        status="completed",
    )
    response = client.get(reverse("mentorship:session_list"))
    html = response.content.decode()
    assert [b.pk for b in response.context["upcoming"]] == [booking.pk]
    assert [b.pk for b in response.context["past"]] == [past.pk]
    assert "19:00" in html
    assert "18:00" in html
    assert "Ana López" in html
    assert "Confirmed" in html
    assert "Completed" in html


def test_a_session_is_seen_only_by_its_customer_and_its_mentor(client, emulator, mentor, customer):
    client.force_login(customer)
    booking = _paid_booking(client, emulator, mentor, _day_at(3, 10))
    urls = [
        reverse(f"mentorship:{name}", args=[booking.number])
        for name in ("session_detail", "session_ics", "session_cancel", "session_reschedule")
    ]
    # the mentor sees the page; someone else gets 404 everywhere; an anonymous visitor is sent to log in
    assert signed_in_client(mentor.user).get(urls[0]).status_code == 200
    other = signed_in_client(UserFactory())
    assert [other.get(url).status_code for url in urls] == [404, 404, 404, 404]
    assert other.post(reverse("mentorship:session_pay", args=[booking.number])).status_code == 404
    client.logout()
    assert all(client.get(url).status_code == 302 for url in urls)


def test_the_ics_download_is_the_sessions_invitation(client, emulator, mentor, customer):
    client.force_login(customer)
    booking = _paid_booking(client, emulator, mentor, _day_at(3, 10), minutes=60)
    response = client.get(reverse("mentorship:session_ics", args=[booking.number]))
    assert response["Content-Type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.content)
    [event] = calendar.walk("VEVENT")
    assert event.decoded("dtstart") == _day_at(3, 10)
    assert event.decoded("dtend") == _day_at(3, 11)
    assert str(event["uid"]) == booking.appointment.ics_uid
    assert str(calendar["method"]) == "REQUEST"


def test_rescheduling_moves_the_session_to_the_picked_time(client, emulator, mentor, customer):
    client.force_login(customer)
    booking = _paid_booking(client, emulator, mentor, _day_at(4, 10))
    url = reverse("mentorship:session_reschedule", args=[booking.number])
    page = client.get(url)
    assert page.status_code == 200
    offered = [slot.start for _, slots in page.context["day_pairs"] for slot, _ in slots]
    assert offered
    assert _day_at(4, 10) not in offered  # its own time is not offered
    response = client.post(url, {"start": f"{_day_at(5, 12):%Y-%m-%dT%H:%M:%SZ}"})
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.appointment.start_at == _day_at(5, 12)
    assert booking.reschedule_count == 1
    assert "Your session was moved" in messages_of(response)[0]


def test_rescheduling_onto_a_taken_time_says_so_and_offers_others(client, emulator, mentor, customer):
    client.force_login(customer)
    booking = _paid_booking(client, emulator, mentor, _day_at(4, 10))
    AppointmentFactory(host=mentor.user, start_at=_day_at(5, 12), status="confirmed")
    response = client.post(
        reverse("mentorship:session_reschedule", args=[booking.number]),
        {"start": f"{_day_at(5, 12):%Y-%m-%dT%H:%M:%SZ}"},
    )
    assert response.status_code == 400
    assert "That time was just taken." in response.content.decode()
    assert response.context["alternatives"]
    booking.refresh_from_db()
    assert booking.appointment.start_at == _day_at(4, 10)


def test_cancel_shows_the_quoted_refund_first_then_cancels_and_says_what_comes_back(client, emulator, mentor, customer):
    # given a confirmed hour 4 days away (100 % back at 48 hours or more)
    client.force_login(customer)
    booking = _paid_booking(client, emulator, mentor, _day_at(4, 10), minutes=60)
    url = reverse("mentorship:session_cancel", args=[booking.number])
    # when they open the cancel page, then it quotes the refund and explains it
    page = client.get(url).content.decode()
    assert "$120.00" in page
    assert "100 %" in page
    assert Booking.objects.get().status == "confirmed"
    # when they confirm
    response = client.post(url)
    # then the session is cancelled and they are told the refund is on its way
    booking.refresh_from_db()
    assert booking.status == "canceled"
    assert booking.appointment.status == Appointment.Status.CANCELED
    [message] = messages_of(response)
    assert "Your session was cancelled." in message
    assert "$120.00" in message


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_submits_of_one_form_make_one_booking_and_one_order(emulator):
    # given a customer whose browser sends the booking form twice at the same instant (same token)
    mentor = _mentor()
    customer = UserFactory()
    start = _day_at(3, 10)

    def submit():
        return _post_booking(signed_in_client(customer), mentor, start, token="one-form")

    # when both requests run at once
    first, second = run_at_once(submit, submit)
    # then there is one booking, one order, and both answers send the customer to the same payment page
    assert Booking.objects.count() == 1
    assert Order.objects.filter(user=customer).count() == 1
    assert _session_id(first) == _session_id(second)
