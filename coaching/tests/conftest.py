import pytest

from coaching.tests.api_helpers import client_for, customer_of
from coaching.tests.factories_sessions import coach_open_every_day
from commerce.tests.stripe_fixtures import emulator  # noqa: F401  (the Stripe emulator, used by name)
from innerwork.accounts.tests.factories import UserFactory
from innerwork.api.tests.factories import PartnerFactory

# The partner API tests' cast (coaching/tests/test_api*.py): a partner and its client, a coach open every
# day, a student who is the partner's customer.


@pytest.fixture
def partner():
    return PartnerFactory(name="Wellbeing Portal")


@pytest.fixture
def api(partner):
    return client_for(partner)


@pytest.fixture
def coach():
    return coach_open_every_day()


@pytest.fixture
def student():
    return UserFactory(full_name="Maya Student")


@pytest.fixture
def customer(partner, student):
    return customer_of(partner, student)
