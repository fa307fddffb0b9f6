"""The OpenAPI schema, fuzzed: schemathesis drives every operation from /api/v1/schema/ (valid and invalid
inputs, authenticated with a real test key) and fails on any 500 and on any status, header, content type
or body the schema does not describe."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from courses.tests.factories import course_with_lessons
from innerwork.api.tests.factories import PartnerFactory, key_for
from mentorship.models import MentorProfile
from mentorship.tests.factories import MentorProfileFactory

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
EXAMPLES_PER_OPERATION = 40


@pytest.fixture
def api_schema(db):
    """The schema as served, called in-process through Django's WSGI handler, inside the test's transaction.

    The handler closes the database connection after each request (as Django's test client prevents too);
    that would end the test's transaction, so the signal is held off while the fuzzer runs.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", get_wsgi_application())
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def fuzz_key(db, settings):
    """A key with every scope over a small catalogue and one customer; throttling out of the way."""
    settings.PARTNER_API_RATE = "1000000/min"
    course_with_lessons(slug="calm")
    MentorProfileFactory(slug="ana", status=MentorProfile.Status.APPROVED)
    return key_for(PartnerFactory())


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_every_operation_answers_as_its_schema_says(case, fuzz_key):
    case.call_and_validate(headers={"Authorization": f"Bearer {fuzz_key}"}, checks=CHECKS)
