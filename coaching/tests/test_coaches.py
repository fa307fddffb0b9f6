"""Coaches: staff approve and deactivate them (who may, what is recorded) and who is listed."""

import pytest
from django.core.exceptions import PermissionDenied

from coaching.coaches import NOT_ALLOWED, REASON_REQUIRED, CoachError, coach_approve, coach_deactivate
from coaching.models import CoachProfile
from coaching.selectors import coach_has_area, coach_listed, coach_profile_for_area, coaches_listed, languages_listed
from coaching.tests.factories import CoachProfileFactory, SpecialtyFactory
from commerce.tests.admin_fixtures import staff_in
from innerwork.accounts.tests.factories import StaffFactory, UserFactory
from innerwork.core.models import StaffAction, StatusChange

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
