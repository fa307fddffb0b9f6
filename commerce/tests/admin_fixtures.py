"""Staff of each role (the groups made by migration 0004) for the admin tests (paid orders: factories.paid_order)."""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.test import Client

from innerwork.accounts.tests.factories import UserFactory
from innerwork.core.staff_roles import staff_roles_remake

ROLES = ("Support", "Finance", "Marketing", "Admin")


def staff_roles_ensure() -> None:
    """Make the role groups again if a transactional test's flush removed them (migrations run once per session)."""
    if Group.objects.filter(name__in=ROLES).count() == len(ROLES):
        return
    staff_roles_remake()


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
