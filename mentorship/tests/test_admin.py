"""Bookings in the staff console: who sees them, who may cancel them, and what a staff cancellation does.

A paid booking is made through the real pipeline (booking_start, Checkout in the Stripe emulator,
fulfilment), then cancelled by staff from the console: it is refunded in full whatever the notice,
its time is freed and both the cancellation and the refund are in the staff audit log.
"""

from datetime import UTC, datetime, time, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from commerce.checkout import order_checkout, order_fulfil_from_return
from commerce.models import CheckoutSession, Order, Refund
from commerce.tests.admin_fixtures import client_for, staff_in
from innerwork.accounts.tests.factories import UserFactory
from innerwork.core.models import StaffAction
from innerwork.scheduling.services import calendar_for
from mentorship.bookings import (
    NOT_ALLOWED_TO_CANCEL,
    STAFF_REASON_REQUIRED,
    BookingError,
    booking_cancel,
    booking_start,
)
from mentorship.models import Booking, MentorProfile
from mentorship.tests.factories import MentorProfileFactory

pytestmark = pytest.mark.django_db

SUCCESS_URL = "http://testserver/sessions/done?session={CHECKOUT_SESSION_ID}"
CANCEL_URL = "http://testserver/sessions/cancelled"
CHANGELIST = "admin:mentorship_booking_changelist"


def _day_at(days: int, hour: int) -> datetime:
    return datetime.combine(timezone.now().date() + timedelta(days=days), time(hour), tzinfo=UTC)


@pytest.fixture
def mentor():
    """An approved mentor at 120.00 an hour, open 06:00-22:00 UTC every day, no buffers or notice."""
    profile = MentorProfileFactory(status=MentorProfile.Status.APPROVED, user__full_name="Ana Ruiz")
    calendar = calendar_for(profile.user)
    calendar.min_notice_minutes = 0
    calendar.save()
    for weekday in range(7):
        calendar.weekly_rules.create(weekday=weekday, start_time=time(6), end_time=time(22))
    return profile


def _between_24_and_48_hours_ahead() -> datetime:
    """The first whole hour inside the mentor's 06:00-22:00 UTC hours that is 26 to 46 hours away."""
    now = timezone.now()
    candidates = (_day_at(days, hour) for days in range(1, 3) for hour in range(6, 21))
    return next(start for start in candidates if timedelta(hours=26) <= start - now <= timedelta(hours=46))


@pytest.fixture
def paid_booking(mentor, emulator, django_capture_on_commit_callbacks):
    """A 60-minute session 26-46 hours away (the customer's own cancel would get only 50 %), paid with 4242."""
    customer = UserFactory(email="jordan@example.com", full_name="Jordan Lee")
    start = _between_24_and_48_hours_ahead()
    booking, order = booking_start(customer=customer, mentor=mentor, start_at=start, minutes=60, topic="First team")
    order_checkout(order=order, success_url=SUCCESS_URL, cancel_url=CANCEL_URL)
    session_id = order.checkout_sessions.get(status=CheckoutSession.Status.OPEN).stripe_id
    emulator.pay_checkout_session(session_id, card="4242424242424242")
    with django_capture_on_commit_callbacks(execute=True):
        order_fulfil_from_return(order=order, session_id=session_id)
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED
    return booking


def _unpaid_booking(mentor, *, days: int = 3, topic: str = "Career") -> Booking:
    booking, _order = booking_start(
        customer=UserFactory(), mentor=mentor, start_at=_day_at(days, 10), minutes=30, topic=topic
    )
    return booking


def _cancel_from_console(client, booking, reason="Mentor unavailable"):
    chosen = {"_selected_action": [booking.pk], "action": "cancel_with_full_refund"}
    return client.post(reverse(CHANGELIST), {**chosen, "apply": "1", "reason": reason})


@pytest.mark.parametrize("role", ["Support", "Finance", "Admin"])
def test_each_role_sees_the_bookings_list_and_a_booking_page_with_its_order_and_timeline(role, paid_booking):
    client = client_for(staff_in(role))

    listing = client.get(reverse(CHANGELIST))
    page = client.get(reverse("admin:mentorship_booking_change", args=[paid_booking.pk]))

    assert listing.status_code == 200
    assert paid_booking.number in listing.content.decode()
    assert f"{paid_booking.appointment.start_at:%Y-%m-%d %H:%M}" in listing.content.decode()
    assert page.status_code == 200
    html = page.content.decode()
    order = Order.objects.get(lines__ref=str(paid_booking.pk))
    assert reverse("admin:commerce_order_change", args=[order.pk]) in html
    assert "Payment received: the session is confirmed." in html  # the timeline
    assert 'name="_save"' not in html  # a record, not a form


def test_marketing_does_not_see_bookings(paid_booking):
    client = client_for(staff_in("Marketing"))

    assert client.get(reverse(CHANGELIST)).status_code == 403
    assert client.get(reverse("admin:mentorship_booking_change", args=[paid_booking.pk])).status_code == 403


@pytest.mark.parametrize(("role", "may_cancel"), [("Support", False), ("Finance", True), ("Admin", True)])
def test_only_finance_and_admin_are_offered_the_cancel_action(role, may_cancel, mentor):
    _unpaid_booking(mentor)
    client = client_for(staff_in(role))

    listing = client.get(reverse(CHANGELIST)).content.decode()

    assert ("cancel_with_full_refund" in listing) is may_cancel


def test_support_cannot_cancel_from_the_console_or_through_the_service(paid_booking):
    support = staff_in("Support")

    _cancel_from_console(client_for(support), paid_booking)

    paid_booking.refresh_from_db()
    assert paid_booking.status == Booking.Status.CONFIRMED
    with pytest.raises(PermissionDenied, match=NOT_ALLOWED_TO_CANCEL):
        booking_cancel(booking=paid_booking, actor=support, reason="Trying")
    assert not StaffAction.objects.filter(action="booking.cancel").exists()


def test_a_stranger_cannot_cancel_someone_elses_booking(mentor):
    booking = _unpaid_booking(mentor)

    with pytest.raises(PermissionDenied):
        booking_cancel(booking=booking, actor=UserFactory(), reason="Mine now")


@pytest.mark.parametrize("role", ["Finance", "Admin"])
def test_staff_cancelling_refunds_in_full_whatever_the_notice_and_is_audited(
    role, paid_booking, django_capture_on_commit_callbacks
):
    # given a paid 120.00 session a day or two away (a customer cancelling now would get 50 % back)
    member = staff_in(role)
    client = client_for(member)
    # when staff ask to cancel it: a page lists it and asks for the reason
    asked = client.post(
        reverse(CHANGELIST), {"_selected_action": [paid_booking.pk], "action": "cancel_with_full_refund"}
    )
    assert asked.status_code == 200
    assert f"{paid_booking.number} — Jordan Lee with Ana Ruiz" in asked.content.decode()
    # and confirm with a reason
    with django_capture_on_commit_callbacks(execute=True):
        done = _cancel_from_console(client, paid_booking, reason="Mentor is ill")
    assert done.status_code == 302
    # then the booking is cancelled and its time freed
    paid_booking.refresh_from_db()
    assert (paid_booking.status, paid_booking.cancel_reason) == ("canceled", "Mentor is ill")
    assert paid_booking.appointment.status == "canceled"
    # everything paid goes back, as a staff refund
    order = Order.objects.get(lines__ref=str(paid_booking.pk))
    assert (order.status, order.amount_refunded) == ("refunded", 12000)
    refund = Refund.objects.get(order=order)
    assert (refund.source, refund.amount, refund.requested_by) == ("staff", 12000, member)
    # and the audit log has the cancellation (tied to the order, so its page lists it) and the refund
    cancel = StaffAction.objects.get(action="booking.cancel")
    assert (cancel.actor, cancel.reason, cancel.order_number) == (member, "Mentor is ill", order.number)
    assert (cancel.subject_type, cancel.subject_id) == ("mentorship.booking", str(paid_booking.pk))
    assert cancel.data == {"refund": 12000, "currency": "usd"}
    assert StaffAction.objects.filter(action="order.refund", order_number=order.number).count() == 1
    # and staff are told the refund started; the booking's page shows the move on its timeline
    listing = client.get(reverse(CHANGELIST)).content.decode()
    assert f"{paid_booking.number}: Your refund of $120.00 is on its way" in listing
    page = client.get(reverse("admin:mentorship_booking_change", args=[paid_booking.pk])).content.decode()
    assert "Mentor is ill" in page


def test_a_mentor_cancelling_inside_the_50_percent_tier_still_refunds_everything(
    paid_booking, django_capture_on_commit_callbacks
):
    # given a paid session a day or two away, where the policy's tier would give back half
    # when its mentor cancels
    with django_capture_on_commit_callbacks(execute=True):
        booking_cancel(booking=paid_booking, actor=paid_booking.mentor.user, reason="Double-booked")
    # then all of it goes back, and no staff action is recorded
    order = Order.objects.get(lines__ref=str(paid_booking.pk))
    assert (order.status, order.amount_refunded) == ("refunded", 12000)
    assert not StaffAction.objects.exists()


def test_staff_must_give_a_reason(paid_booking):
    finance = staff_in("Finance")

    missing = _cancel_from_console(client_for(finance), paid_booking, reason="")

    assert missing.status_code == 200  # the reason page again, with its error
    paid_booking.refresh_from_db()
    assert paid_booking.status == Booking.Status.CONFIRMED
    with pytest.raises(BookingError, match=STAFF_REASON_REQUIRED):
        booking_cancel(booking=paid_booking, actor=finance, reason="  ")


def test_staff_cancelling_an_unpaid_booking_refunds_nothing_and_a_finished_one_is_refused(mentor):
    # given a booking still waiting for payment and one that already took place
    unpaid = _unpaid_booking(mentor, topic="Unpaid")
    finance = staff_in("Finance")
    client = client_for(finance)
    # when Finance cancels the unpaid one
    _cancel_from_console(client, unpaid, reason="Duplicate")
    # then it is cancelled, audited, and no refund is made
    unpaid.refresh_from_db()
    assert unpaid.status == Booking.Status.CANCELED
    assert not Refund.objects.exists()
    assert StaffAction.objects.get(action="booking.cancel").order_number == ""
    # and a cancelled booking cannot be cancelled again: the console says why and nothing changes
    again = client.post(
        reverse(CHANGELIST),
        {"_selected_action": [unpaid.pk], "action": "cancel_with_full_refund", "apply": "1", "reason": "Again"},
        follow=True,
    )
    assert "This session can no longer be cancelled." in again.content.decode()
    assert StaffAction.objects.filter(action="booking.cancel").count() == 1


def test_filters_and_search_narrow_the_list(mentor):
    # given two bookings with the same mentor on different days, and one with another mentor
    early = _unpaid_booking(mentor, days=2, topic="Salary talk")
    late = _unpaid_booking(mentor, days=9, topic="Team offsite")
    other_mentor = MentorProfileFactory(status=MentorProfile.Status.APPROVED, user__full_name="Lena Vogel")
    calendar = calendar_for(other_mentor.user)
    calendar.min_notice_minutes = 0
    calendar.save()
    for weekday in range(7):
        calendar.weekly_rules.create(weekday=weekday, start_time=time(6), end_time=time(22))
    other = _unpaid_booking(other_mentor, days=2, topic="Presenting")
    client = client_for(staff_in("Support"))

    def numbers(**params) -> set[str]:
        html = client.get(reverse(CHANGELIST), params).content.decode()
        return {b.number for b in (early, late, other) if b.number in html}

    day = (timezone.now() + timedelta(days=2)).date().isoformat()
    assert numbers(start_from=day, start_to=day) == {early.number, other.number}
    assert numbers(mentor__id__exact=mentor.pk) == {early.number, late.number}
    assert numbers(status__exact="pending_payment") == {early.number, late.number, other.number}
    assert numbers(status__exact="confirmed") == set()
    assert numbers(q="offsite") == {late.number}
    assert numbers(q="Lena") == {other.number}
    assert numbers(q=early.customer.email) == {early.number}
    assert numbers(q=late.number) == {late.number}
