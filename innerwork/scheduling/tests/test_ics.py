"""The .ics invitations, parsed back with icalendar as a calendar client would read them."""

from datetime import UTC, datetime, timedelta

import icalendar
import pytest

from innerwork.scheduling.ics import PRODID, appointment_ics
from innerwork.scheduling.services import (
    appointment_cancel,
    appointment_confirm,
    appointment_hold,
    appointment_reschedule,
)
from innerwork.scheduling.tests.conftest import NOW, ny


def invitation(appointment, method="REQUEST"):
    raw = appointment_ics(
        appointment=appointment,
        method=method,
        organizer_email="mentor@example.com",
        organizer_name="Maria Mentor",
        attendee_email="learner@example.com",
        attendee_name="Lee Learner",
        summary="1:1 with Maria Mentor",
        description="Topic: careers",
        location_url="https://innerwork.example/sessions/1/join/",
        now=NOW,
    )
    calendar = icalendar.Calendar.from_ical(raw)
    (event,) = calendar.walk("VEVENT")
    return calendar, event


@pytest.fixture
def confirmed(host):
    held = appointment_hold(
        host=host,
        guest=None,
        start_at=ny("2026-03-02 10:00"),
        length=timedelta(hours=1),
        until=NOW + timedelta(hours=1),
        subject="mentorship.booking:1",
        title="A session",
        now=NOW,
    )
    return appointment_confirm(appointment=held, now=NOW)


def test_request_carries_method_uid_sequence_utc_times_people_and_status(confirmed):
    # when the invitation for a confirmed appointment is built and read back
    calendar, event = invitation(confirmed)
    # then
    assert str(calendar["METHOD"]) == "REQUEST"
    assert str(calendar["PRODID"]) == PRODID
    assert str(event["UID"]) == confirmed.ics_uid
    assert int(event["SEQUENCE"]) == 0
    assert event.decoded("DTSTART") == datetime(2026, 3, 2, 15, tzinfo=UTC) == confirmed.start_at
    assert event.decoded("DTEND") == datetime(2026, 3, 2, 16, tzinfo=UTC) == confirmed.end_at
    assert event.decoded("DTSTAMP") == NOW
    assert str(event["STATUS"]) == "CONFIRMED"
    assert str(event["ORGANIZER"]) == "mailto:mentor@example.com"
    assert event["ORGANIZER"].params["CN"] == "Maria Mentor"
    assert str(event["ATTENDEE"]) == "mailto:learner@example.com"
    assert event["ATTENDEE"].params["CN"] == "Lee Learner"
    assert str(event["SUMMARY"]) == "1:1 with Maria Mentor"
    assert b"DTSTART:20260302T150000Z" in confirmed_raw(confirmed)


def confirmed_raw(appointment) -> bytes:
    return appointment_ics(
        appointment=appointment,
        method="REQUEST",
        organizer_email="mentor@example.com",
        organizer_name="Maria Mentor",
        attendee_email="learner@example.com",
        attendee_name="Lee Learner",
        summary="1:1",
    )


def test_reschedules_keep_the_uid_and_raise_the_sequence_then_cancel_says_cancelled(confirmed):
    # given the first invitation
    _, first = invitation(confirmed)
    # when rescheduled twice, then canceled
    appointment_reschedule(appointment=confirmed, start_at=ny("2026-03-02 10:30"), now=NOW)
    _, second = invitation(confirmed)
    appointment_reschedule(appointment=confirmed, start_at=ny("2026-03-02 11:00"), now=NOW)
    _, third = invitation(confirmed)
    appointment_cancel(appointment=confirmed, reason="learner canceled")
    calendar, cancel = invitation(confirmed, method="CANCEL")
    # then one event: same UID, sequence 0, 1, 2, 3, times following the moves, and a CANCEL at the end
    events = [first, second, third, cancel]
    assert {str(event["UID"]) for event in events} == {confirmed.ics_uid}
    assert [int(event["SEQUENCE"]) for event in events] == [0, 1, 2, 3]
    assert [event.decoded("DTSTART").astimezone(UTC).strftime("%H:%M") for event in events] == [
        "15:00",
        "15:30",
        "16:00",
        "16:00",
    ]
    assert str(calendar["METHOD"]) == "CANCEL"
    assert str(cancel["STATUS"]) == "CANCELLED"


def test_an_unknown_method_is_refused(confirmed):
    with pytest.raises(ValueError, match="REQUEST or CANCEL"):
        invitation(confirmed, method="PUBLISH")
