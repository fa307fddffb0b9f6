import pytest
from rest_framework.test import APIClient

from innerwork.api.tests.factories import PartnerFactory, key_for


@pytest.fixture
def partner():
    return PartnerFactory(name="Wellbeing Portal")


def client_with(raw_key: str | None) -> APIClient:
    client = APIClient()
    if raw_key:
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw_key}")
    return client


@pytest.fixture
def api(partner):
    """A client holding a key of `partner` with every scope."""
    return client_with(key_for(partner))
