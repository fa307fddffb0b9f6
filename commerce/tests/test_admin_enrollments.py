"""Enrollments in admin: granting and revoking need a reason and land in the staff audit log; roles enforced."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from commerce.tests.admin_fixtures import clients_by_role
from courses.models import Enrollment
from courses.tests.factories import CourseFactory, EnrollmentFactory
from innerwork.accounts.tests.factories import UserFactory
from innerwork.core.models import StaffAction

pytestmark = pytest.mark.django_db

ENROLLMENTS = reverse("admin:courses_enrollment_changelist")
GRANT = reverse("admin:courses_enrollment_grant")


@pytest.fixture
def admin_client():
    return clients_by_role()["Admin"]


def test_granting_needs_a_reason(admin_client):
    learner, course = UserFactory(), CourseFactory()
    response = admin_client.post(GRANT, {"user": learner.pk, "course": course.pk, "reason": ""})
    assert response.status_code == 200
    assert "reason" in response.context["form"].errors
    assert not Enrollment.objects.exists()
    assert not StaffAction.objects.exists()


def test_a_grant_is_recorded_with_who_and_why(admin_client):
    learner, course = UserFactory(), CourseFactory(title="Calm")
    response = admin_client.post(GRANT, {"user": learner.pk, "course": course.pk, "reason": "Ticket 4211"})
    assert response.status_code == 302
    enrollment = Enrollment.objects.get()
    action = StaffAction.objects.get()
    assert (action.action, action.actor.email, action.reason) == (
        "enrollment.grant",
        "admin@innerwork.test",
        "Ticket 4211",
    )
    assert (action.subject_type, action.subject_id) == ("courses.enrollment", str(enrollment.pk))


def test_the_grant_action_on_the_list_needs_a_reason_too(admin_client):
    enrollment = EnrollmentFactory(status=Enrollment.Status.REVOKED)
    selection = {"action": "grant_selected", ACTION_CHECKBOX_NAME: [enrollment.pk], "apply": "1"}
    refused = admin_client.post(ENROLLMENTS, {**selection, "reason": ""})
    assert refused.context["form"].errors["reason"]
    admin_client.post(ENROLLMENTS, {**selection, "reason": "Goodwill"})
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.ACTIVE
    assert StaffAction.objects.get().action == "enrollment.grant"


def test_a_revoke_is_recorded_and_a_failed_one_is_not(admin_client):
    active = EnrollmentFactory()
    refunded = EnrollmentFactory(status=Enrollment.Status.REFUNDED)  # refunded -> revoked is not allowed
    admin_client.post(
        ENROLLMENTS,
        {"action": "revoke_selected", ACTION_CHECKBOX_NAME: [active.pk, refunded.pk], "apply": "1", "reason": "Abuse"},
    )
    active.refresh_from_db()
    assert active.status == Enrollment.Status.REVOKED
    action = StaffAction.objects.get()
    assert (action.action, action.subject_id, action.reason) == ("enrollment.revoke", str(active.pk), "Abuse")


@pytest.mark.parametrize(("role", "status"), [("Support", 403), ("Finance", 403), ("Marketing", 403), ("Admin", 200)])
def test_only_admins_grant(role, status):
    client = clients_by_role()[role]
    assert client.get(GRANT).status_code == status
