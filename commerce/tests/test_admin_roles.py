"""The staff roles made by migration 0004: exactly the rights each needs, idempotent, reversible."""

import importlib

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from commerce.tests.admin_fixtures import staff_roles_ensure
from innerwork.core.staff_roles import staff_role_migrations, staff_roles_remake

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _roles():
    # Made by the migration; a transactional test's flush earlier in the session removes them, so make them again
    # with the migration's own function.
    staff_roles_ensure()


roles_migration = importlib.import_module("commerce.migrations.0004_staff_roles")


def rights(name: str) -> set[str]:
    group = Group.objects.get(name=name)
    return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}


def test_each_role_has_its_rights():
    support, finance, marketing, admin = (rights(name) for name in ("Support", "Finance", "Marketing", "Admin"))
    assert {"commerce.view_order", "commerce.resend_receipt", "core.view_outboxemail"} <= support
    assert not support & {"commerce.refund_order", "commerce.view_sales", "commerce.download_documents"}
    assert support < finance
    assert {
        "commerce.refund_order",
        "commerce.download_documents",
        "commerce.view_sales",
        "commerce.view_coupon",
    } <= finance
    assert "commerce.change_coupon" not in finance
    assert marketing == {
        "commerce.add_coupon",
        "commerce.change_coupon",
        "commerce.view_coupon",
        "commerce.view_couponredemption",
        "commerce.view_sales",
    }
    assert not any(right.startswith("commerce.view_order") or "refund" in right for right in marketing)
    assert {"courses.change_enrollment", "courses.view_enrollment", "commerce.refund_order"} <= admin
    assert support | finance | marketing <= admin


def test_running_it_again_changes_nothing_and_the_reverse_removes_the_roles():
    state_apps = MigrationExecutor(connection).loader.project_state(("commerce", "0004_staff_roles")).apps
    before = {name: rights(name) for name in ("Support", "Finance", "Marketing", "Admin")}

    roles_migration.create_roles(state_apps, None)
    assert {name: rights(name) for name in before} == before
    assert Group.objects.count() == 4

    roles_migration.remove_roles(state_apps, None)
    assert not Group.objects.filter(name__in=before).exists()

    # made again from every roles migration (this one, then the rights later apps add), each as it ran
    staff_roles_remake()
    assert {name: rights(name) for name in before} == before
    staff_roles_remake()
    assert {name: rights(name) for name in before} == before


def test_the_roles_are_made_by_every_roles_migration_in_order():
    assert staff_role_migrations()[0] == ("commerce", "0004_staff_roles")
    assert {("commerce", "0006_status_changes_staff_roles"), ("mentorship", "0002_staff_roles")} <= set(
        staff_role_migrations()
    )


@pytest.mark.parametrize(
    ("role", "has", "lacks"),
    [
        ("Support", {"core.view_statuschange", "mentorship.view_mentorprofile"}, {"mentorship.approve_mentor"}),
        ("Finance", {"core.view_statuschange", "mentorship.view_mentorprofile"}, {"mentorship.approve_mentor"}),
        ("Marketing", set(), {"core.view_statuschange", "mentorship.view_mentorprofile"}),
        ("Admin", {"core.view_statuschange", "mentorship.approve_mentor", "mentorship.change_mentorprofile"}, set()),
    ],
)
def test_later_apps_give_each_role_its_rights_on_their_models(role, has, lacks):
    assert has <= rights(role)
    assert not lacks & rights(role)
