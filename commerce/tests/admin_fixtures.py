"""Staff of each role (the groups made by migration 0004) for the admin tests (paid orders: factories.paid_order)."""

from __future__ import annotations

import importlib

from django.contrib.auth.models import Group
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client

from innerwork.accounts.tests.factories import UserFactory

ROLES = ("Support", "Finance", "Marketing", "Admin")


def staff_roles_ensure() -> None:
    """Make the role groups again if a transactional test's flush removed them (migrations run once per session)."""
    if Group.objects.filter(name__in=ROLES).count() == len(ROLES):
        return
    state = MigrationExecutor(connection).loader.project_state(("commerce", "0004_staff_roles"))
    importlib.import_module("commerce.migrations.0004_staff_roles").create_roles(state.apps, None)


def staff_in(role: str, **kwargs):
    """A staff account (not a superuser) whose rights come only from the role's group."""
    staff_roles_ensure()
    user = UserFactory(is_staff=True, email=kwargs.pop("email", f"{role.lower()}@innerwork.test"), **kwargs)
    user.groups.add(Group.objects.get(name=role))
    return user


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def clients_by_role() -> dict:
    """A signed-in test client for one member of staff in each role."""
    return {role: client_for(staff_in(role)) for role in ROLES}
