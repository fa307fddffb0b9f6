"""The OpenAPI schema, fuzzed: schemathesis drives every operation from /api/v1/schema/ (valid and invalid
inputs, authenticated with a real test key) and fails on any 500 and on any status, header, content type
or body the schema does not describe.

The partner has real customers, bookings, orders, proposals, a contract and an enrollment (fuzz_world.py,
made through the API and paid on the Stripe emulator), and the ids schemathesis sends in paths, in
`customer` and in JSON bodies are often theirs: so the fuzzer reaches the answers with data in them (and
books, pays, cancels and refunds for real), not only 400s and 404s. One run costs about 1.5-2.5 minutes
of one core (40 examples for each of the 32 operations, three payments on the emulator to set up).
That it did is checked at the end: every GET with an id in its path answered at least one 2xx.
"""

from collections import defaultdict

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

from commerce.tests.stripe_fixtures import emulator  # noqa: F401  (the Stripe emulator, used by name)
from innerwork.api.tests.fuzz_world import fuzz_world_build, real_ids_hooks

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
EXAMPLES_PER_OPERATION = 40
HTTP_METHODS = {"get", "post", "put", "patch", "delete"}


@pytest.fixture
def fuzz_world(db, settings, emulator, django_capture_on_commit_callbacks):  # noqa: F811
    """The partner's key and real objects; throttling out of the way."""
    settings.PARTNER_API_RATE = "1000000/min"
    settings.PARTNER_API_BURST = 1000000
    return fuzz_world_build(emulator=emulator, capture=django_capture_on_commit_callbacks)


@pytest.fixture
def api_schema(fuzz_world):
    """The schema as served, called in-process through Django's WSGI handler, inside the test's transaction,
    with the hooks that draw ids from `fuzz_world`.

    The handler closes the database connection after each request (as Django's test client prevents too);
    that would end the test's transaction, so the signal is held off while the fuzzer runs.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        loaded = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", get_wsgi_application())
        for name, hook in real_ids_hooks(fuzz_world).items():
            loaded.hooks.register_hook_with_name(hook, name)
        yield loaded
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def answers(api_schema):
    """The statuses each operation answered ("GET /api/v1/orders/{number}" → {200, 404, …}).

    When the run is over, every GET with an id in its path must have answered a 2xx at least once: proof
    that the fuzzer reached real objects (a new read whose objects fuzz_world does not make fails here).
    Schemathesis also reuses ids it finds in earlier answers (the lists); the hooks make real ids likely
    from the first example on, whatever order the operations run in.
    """
    seen: dict[str, set[int]] = defaultdict(set)
    yield seen
    reads_by_id = [
        f"GET {path}"
        for path, operations in api_schema.raw_schema["paths"].items()
        if "{" in path and "get" in operations
    ]
    assert reads_by_id, "the schema lists no GET with an id in its path"
    never_2xx = {label: sorted(seen[label]) for label in reads_by_id if not any(200 <= s < 300 for s in seen[label])}
    assert never_2xx == {}, "these reads never answered a 2xx (statuses seen)"


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_every_operation_answers_as_its_schema_says(case, fuzz_world, answers):
    headers = {"Authorization": f"Bearer {fuzz_world.key}"}
    response = case.call(headers=headers)
    answers[f"{case.operation.method.upper()} {case.operation.path}"].add(response.status_code)
    case.validate_response(response, checks=CHECKS, headers=headers, transport_kwargs={"headers": headers})
