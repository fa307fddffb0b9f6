"""Staff see calendars (with their hours and overrides) and read appointments in the admin."""

from datetime import date, time

import pytest
from django.urls import reverse

from innerwork.accounts.tests.factories import StaffFactory
from innerwork.scheduling.tests.factories import AppointmentFactory, DateOverrideFactory


@pytest.fixture
def staff_client(db, client):
    client.force_login(StaffFactory())
    return client


def test_staff_see_a_calendar_with_its_weekly_hours_and_overrides(staff_client, calendar):
    # given Monday hours (the fixture) and a day off
    DateOverrideFactory(calendar=calendar, date=date(2026, 3, 9))
    # when
    response = staff_client.get(reverse("admin:scheduling_calendar_change", args=[calendar.pk]))
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert "weekly_rules-0-start_time" in html
    assert time(9).strftime("%H:%M") in html
    assert "date_overrides-0-date" in html


def test_staff_list_and_read_appointments_but_cannot_add_or_change_them(staff_client, host):
    # given
    appointment = AppointmentFactory(host=host, subject="mentorship.booking:42")
    # when
    listing = staff_client.get(reverse("admin:scheduling_appointment_changelist"))
    page = staff_client.get(reverse("admin:scheduling_appointment_change", args=[appointment.pk]))
    adding = staff_client.get(reverse("admin:scheduling_appointment_add"))
    # then
    assert listing.status_code == 200
    assert "mentorship.booking:42" in listing.content.decode()
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert adding.status_code == 403
