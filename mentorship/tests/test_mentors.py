"""Mentors: what a session costs, who staff may approve or deactivate, and who is listed."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from commerce.tests.admin_fixtures import client_for, staff_in
from innerwork.core.models import StaffAction, StatusChange
from innerwork.core.status import StatusTransitionError
from mentorship.models import MentorProfile
from mentorship.selectors import mentors_listed
from mentorship.services import (
    LENGTH_NOT_OFFERED,
    NOT_ALLOWED,
    REASON_REQUIRED,
    MentorError,
    mentor_approve,
    mentor_deactivate,
    mentor_session_price,
    mentor_session_prices,
    mentor_set_status,
)
from mentorship.tests.factories import ExpertiseFactory, LanguageFactory, MentorProfileFactory

pytestmark = pytest.mark.django_db

Status = MentorProfile.Status


@pytest.mark.parametrize(
    ("hourly", "minutes", "amount"),
    [
        (12000, 60, 12000),
        (12000, 30, 6000),
        (12000, 90, 18000),
        (9999, 45, 7499),  # 7499.25 rounds down
        (10001, 30, 5001),  # 5000.5 rounds half up
        (1, 30, 1),  # a cent an hour still costs a cent for half of it (0.5 rounds up)
        (1, 45, 1),
    ],
)
def test_a_session_costs_the_hourly_rate_pro_rata_rounded_half_up(hourly, minutes, amount):
    mentor = MentorProfileFactory.build(hourly_rate_amount=hourly, session_lengths=[30, 45, 60, 90])

    price = mentor_session_price(mentor=mentor, minutes=minutes)

    assert (price.minutes, price.amount, price.currency) == (minutes, amount, "usd")


def test_a_length_the_mentor_does_not_offer_has_no_price():
    mentor = MentorProfileFactory(session_lengths=[60])

    with pytest.raises(MentorError) as refused:
        mentor_session_price(mentor=mentor, minutes=30)

    assert refused.value.message == LENGTH_NOT_OFFERED.format(name=mentor, minutes=30)


def test_prices_are_listed_shortest_first_with_a_readable_label():
    mentor = MentorProfileFactory(session_lengths=[90, 30], hourly_rate_amount=10000)

    assert [price.label for price in mentor_session_prices(mentor=mentor)] == ["30 min · $50.00", "90 min · $150.00"]


ALLOWED = {
    (Status.PENDING, Status.APPROVED),
    (Status.PENDING, Status.DEACTIVATED),
    (Status.APPROVED, Status.DEACTIVATED),
    (Status.DEACTIVATED, Status.APPROVED),
}


@pytest.mark.parametrize("from_status", Status.values)
@pytest.mark.parametrize("to_status", Status.values)
def test_every_status_move_is_allowed_or_refused_as_the_map_says(from_status, to_status):
    mentor = MentorProfileFactory(status=from_status)

    if (from_status, to_status) in ALLOWED:
        assert mentor_set_status(mentor=mentor, status=to_status) is True
        mentor.refresh_from_db()
        assert mentor.status == to_status
        assert StatusChange.objects.filter(subject_type="mentorship.mentorprofile").count() == 1
    else:
        with pytest.raises(StatusTransitionError):
            mentor_set_status(mentor=mentor, status=to_status)
        mentor.refresh_from_db()
        assert mentor.status == from_status
        assert not StatusChange.objects.exists()


def test_approving_stamps_the_first_approval_and_is_audited_once():
    # given a mentor waiting and a member of Admin
    mentor = MentorProfileFactory()
    admin = staff_in("Admin")
    # when they approve twice (a double click)
    mentor_approve(mentor=mentor, actor=admin, reason="Interviewed")
    mentor_approve(mentor=mentor, actor=admin, reason="Interviewed")
    # then the mentor is approved once, with the time and the audit entry
    mentor.refresh_from_db()
    assert mentor.status == Status.APPROVED
    assert mentor.approved_at is not None
    assert list(StaffAction.objects.values_list("action", "reason")) == [("mentor.approve", "Interviewed")]


@pytest.mark.parametrize(
    ("role", "may"), [("Admin", True), ("Support", False), ("Finance", False), ("Marketing", False)]
)
def test_only_staff_allowed_to_approve_mentors_can_approve_or_deactivate(role, may):
    mentor = MentorProfileFactory()
    member = staff_in(role)

    if may:
        mentor_approve(mentor=mentor, actor=member)
        mentor_deactivate(mentor=mentor, actor=member, reason="Left the programme")
        mentor.refresh_from_db()
        assert mentor.status == Status.DEACTIVATED
    else:
        for act in (mentor_approve, mentor_deactivate):
            with pytest.raises(PermissionDenied, match=NOT_ALLOWED):
                act(mentor=mentor, actor=member, reason="No")
        mentor.refresh_from_db()
        assert mentor.status == Status.PENDING


def test_deactivating_needs_a_reason():
    mentor = MentorProfileFactory(status=Status.APPROVED)

    with pytest.raises(MentorError) as refused:
        mentor_deactivate(mentor=mentor, actor=staff_in("Admin"), reason="  ")

    assert refused.value.message == REASON_REQUIRED
    mentor.refresh_from_db()
    assert mentor.status == Status.APPROVED


def test_only_approved_mentors_are_listed_and_filters_narrow_them(django_assert_num_queries):
    # given approved mentors with different expertise, languages and rates, and others not approved
    leadership, career = ExpertiseFactory(slug="leadership"), ExpertiseFactory(slug="career")
    english, german = LanguageFactory(code="en"), LanguageFactory(code="de")
    ana = MentorProfileFactory(
        status=Status.APPROVED, expertise=[leadership], languages=[english, german], hourly_rate_amount=9000
    )
    ben = MentorProfileFactory(status=Status.APPROVED, expertise=[career, leadership], languages=[english])
    MentorProfileFactory(status=Status.PENDING, expertise=[leadership])
    MentorProfileFactory(status=Status.DEACTIVATED, expertise=[leadership])
    # then only the approved ones are listed, each once, narrowed by each filter
    assert set(mentors_listed()) == {ana, ben}
    assert set(mentors_listed(expertise="leadership")) == {ana, ben}
    assert set(mentors_listed(expertise="career")) == {ben}
    assert set(mentors_listed(language="de")) == {ana}
    assert set(mentors_listed(max_rate=10000)) == {ana}
    assert set(mentors_listed(expertise="leadership", language="en", max_rate=20000)) == {ana, ben}
    # and reading them with their expertise and languages takes the same three queries however many there are
    with django_assert_num_queries(3):
        for mentor in mentors_listed():
            list(mentor.expertise.all()), list(mentor.languages.all()), str(mentor)


def test_staff_approve_and_deactivate_from_the_console_with_a_reason():
    # given two mentors waiting, and a member of Admin in the console
    first, second = MentorProfileFactory(), MentorProfileFactory()
    client = client_for(staff_in("Admin"))
    changelist = reverse("admin:mentorship_mentorprofile_changelist")
    chosen = {"_selected_action": [first.pk, second.pk]}
    # when they choose "approve": a page asks for an optional reason and lists both
    asked = client.post(changelist, {**chosen, "action": "approve_selected"})
    assert asked.status_code == 200
    assert f"{first} — {first.headline}" in asked.content.decode()
    # and they confirm
    done = client.post(changelist, {**chosen, "action": "approve_selected", "apply": "1", "reason": "Interviewed"})
    assert done.status_code == 302
    assert set(MentorProfile.objects.values_list("status", flat=True)) == {Status.APPROVED}
    # when they deactivate one without a reason, nothing happens; with one, it is deactivated and audited
    missing = client.post(changelist, {"_selected_action": [first.pk], "action": "deactivate_selected", "apply": "1"})
    assert missing.status_code == 200
    client.post(
        changelist,
        {"_selected_action": [first.pk], "action": "deactivate_selected", "apply": "1", "reason": "Left"},
    )
    first.refresh_from_db()
    assert first.status == Status.DEACTIVATED
    assert StaffAction.objects.filter(action="mentor.deactivate", reason="Left").count() == 1


@pytest.mark.parametrize(("role", "sees", "acts"), [("Support", True, False), ("Admin", True, True)])
def test_each_role_sees_mentors_and_only_admin_acts_on_them(role, sees, acts):
    mentor = MentorProfileFactory()
    client = client_for(staff_in(role))
    changelist = reverse("admin:mentorship_mentorprofile_changelist")

    page = client.get(changelist)

    assert (page.status_code == 200) is sees
    assert ("approve_selected" in page.content.decode()) is acts
    client.post(
        changelist, {"_selected_action": [mentor.pk], "action": "approve_selected", "apply": "1", "reason": "x"}
    )
    mentor.refresh_from_db()
    assert (mentor.status == Status.APPROVED) is acts
