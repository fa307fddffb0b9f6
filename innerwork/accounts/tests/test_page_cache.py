"""A change to an account retires that person's cached pages, and logging in does not
(innerwork/accounts/page_cache.py)."""

import pytest
from django.test import Client

from innerwork.accounts.tests.factories import UserFactory
from innerwork.core.page_cache import CATALOGUE, user_scope
from innerwork.core.tests.scopes import Retired

pytestmark = pytest.mark.django_db


def test_renaming_an_account_retires_that_persons_scope_only():
    # given
    person, other = UserFactory(), UserFactory()
    # when
    with Retired(user_scope(person.pk), user_scope(other.pk), CATALOGUE) as renaming:
        person.full_name = "New Name"
        person.save()
    # then (nobody teaches here, so the catalogue stands)
    assert renaming.retired == {user_scope(person.pk)}


def test_logging_in_retires_nothing():
    # given
    person = UserFactory()
    # when
    with Retired(user_scope(person.pk), CATALOGUE) as logging_in:
        Client().force_login(person)
    # then
    assert logging_in.retired == set()


def test_deleting_an_account_retires_that_persons_scope():
    person = UserFactory()
    scope = user_scope(person.pk)
    with Retired(scope, CATALOGUE) as deleting:
        person.delete()
    assert deleting.retired == {scope}
