"""Coaches: staff approve and deactivate them (who may, what is recorded) and who is listed."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from coaching.coaches import NOT_ALLOWED, REASON_REQUIRED, CoachError, coach_approve, coach_deactivate
from coaching.models import CoachProfile
from coaching.selectors import coach_has_area, coach_listed, coach_profile_for_area, coaches_listed, languages_listed
from coaching.tests.factories import CoachProfileFactory, SpecialtyFactory
from commerce.tests.admin_fixtures import client_for, staff_in
from innerwork.accounts.tests.factories import StaffFactory, UserFactory
from innerwork.core.models import StaffAction, StatusChange
from innerwork.scheduling.selectors import free_slots
from innerwork.scheduling.services import calendar_for
from mentorship.tests.factories import MentorProfileFactory

pytestmark = pytest.mark.django_db


def _actor(who: str):
    if who == "customer":
        return UserFactory()
    if who == "superuser":
        return StaffFactory()
    return staff_in(who)


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("customer", False),
        ("Support", False),
        ("Finance", False),
        ("Marketing", False),
        ("Admin", True),
        ("superuser", True),
    ],
)
def test_only_admins_approve_and_deactivate_coaches(who, allowed):
    coach = CoachProfileFactory(status=CoachProfile.Status.PENDING, approved_at=None)
    actor = _actor(who)
    if not allowed:
        with pytest.raises(PermissionDenied, match=NOT_ALLOWED):
            coach_approve(coach=coach, actor=actor)
        with pytest.raises(PermissionDenied, match=NOT_ALLOWED):
            coach_deactivate(coach=coach, actor=actor, reason="Spam")
        coach.refresh_from_db()
        assert coach.status == CoachProfile.Status.PENDING
        assert not StaffAction.objects.exists()
        return
    approved = coach_approve(coach=coach, actor=actor, reason="Checked references")
    assert approved.status == CoachProfile.Status.APPROVED
    assert approved.approved_at is not None
    deactivated = coach_deactivate(coach=coach, actor=actor, reason="Left the platform")
    assert deactivated.status == CoachProfile.Status.DEACTIVATED
    assert list(StaffAction.objects.order_by("id").values_list("action", "reason")) == [
        ("coach.approve", "Checked references"),
        ("coach.deactivate", "Left the platform"),
    ]
    assert StatusChange.objects.filter(subject_type="coaching.coachprofile").count() == 2


def test_approving_twice_records_once_and_deactivating_needs_a_reason():
    coach = CoachProfileFactory(status=CoachProfile.Status.PENDING, approved_at=None)
    admin = staff_in("Admin")
    coach_approve(coach=coach, actor=admin)
    coach_approve(coach=coach, actor=admin)
    assert StaffAction.objects.count() == 1
    with pytest.raises(CoachError) as refused:
        coach_deactivate(coach=coach, actor=admin, reason="  ")
    assert refused.value.message == REASON_REQUIRED
    coach.refresh_from_db()
    assert coach.status == CoachProfile.Status.APPROVED


@pytest.mark.parametrize(
    ("status", "listed", "has_area"),
    [("pending", False, True), ("approved", True, True), ("deactivated", False, False)],
)
def test_who_is_listed_and_who_has_a_coach_area(status, listed, has_area):
    coach = CoachProfileFactory(status=status)
    assert (coach in coaches_listed()) is listed
    assert coach_listed(slug=coach.slug) == coach if listed else not coaches_listed().filter(slug=coach.slug).exists()
    assert coach_has_area(user=coach.user) is has_area
    assert (coach_profile_for_area(user=coach.user) == coach) is has_area


def test_filters_by_specialty_and_language_and_languages_of_listed_coaches_only():
    leadership = SpecialtyFactory(slug="leadership")
    ana = CoachProfileFactory(specialties=[leadership], languages=["en", "es"])
    ben = CoachProfileFactory(languages=["de"])
    CoachProfileFactory(status="pending", languages=["fr"])
    assert list(coaches_listed(specialty="leadership")) == [ana]
    assert list(coaches_listed(language="de")) == [ben]
    assert languages_listed() == ["de", "en", "es"]
    assert coach_has_area(user=UserFactory()) is False


# --- The coach's calendar (the person's one scheduling calendar) --------------------------------------------

CALENDAR = "coaching:coach_calendar"


@pytest.mark.parametrize(
    ("who", "expected"),
    [("anonymous", 302), ("student", 404), ("pending", 200), ("approved", 200), ("deactivated", 404)],
)
def test_who_opens_the_coach_calendar(who, expected):
    if who == "anonymous":
        client = Client()
    elif who == "student":
        client = client_for(UserFactory())
    else:
        client = client_for(CoachProfileFactory(status=who).user)
    assert client.get(reverse(CALENDAR)).status_code == expected


def test_a_coach_sets_weekly_hours_and_students_can_book_those_times():
    # given a coach in Paris with no hours yet, no notice
    coach = CoachProfileFactory(user__time_zone="Europe/Paris")
    calendar = calendar_for(coach.user)
    calendar.time_zone, calendar.min_notice_minutes = "Europe/Paris", 0
    calendar.save()
    now = timezone.now()
    week = (now, now + timedelta(days=8))
    assert free_slots(host=coach.user_id, length=timedelta(minutes=60), start=week[0], end=week[1], now=now) == []
    # when they save Tuesday 09:00-11:00 on the coach calendar page
    data = {
        "form": "hours",
        "hours-TOTAL_FORMS": "1",
        "hours-INITIAL_FORMS": "0",
        "hours-0-weekday": "1",
        "hours-0-start_time": "09:00",
        "hours-0-end_time": "11:00",
    }
    response = client_for(coach.user).post(reverse(CALENDAR), data)
    # then they are back on the page, and next Tuesday from 09:00 to 10:00 (Paris, every half hour) an hour is free
    assert response.status_code == 302
    assert response["Location"] == reverse(CALENDAR) + "#hours"
    slots = free_slots(host=coach.user_id, length=timedelta(minutes=60), start=week[0], end=week[1], now=now)
    paris = ZoneInfo("Europe/Paris")
    assert {f"{slot.start.astimezone(paris):%a %H:%M}" for slot in slots} == {"Tue 09:00", "Tue 09:30", "Tue 10:00"}
    page = client_for(coach.user).get(reverse(CALENDAR))
    assert any(day.slots for day in page.context["preview_days"])


def test_a_coach_who_also_mentors_has_one_calendar_for_both():
    coach = CoachProfileFactory()
    mentor = MentorProfileFactory(user=coach.user, status="approved")
    client = client_for(coach.user)
    coach_page = client.get(reverse(CALENDAR))
    mentor_page = client.get(reverse("mentorship:mentor_calendar"))
    assert coach_page.context["calendar"] == mentor_page.context["calendar"] == calendar_for(mentor.user)
