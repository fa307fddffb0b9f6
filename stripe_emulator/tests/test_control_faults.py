"""Injected API faults (500, 429, hang past the client timeout), the clock and reset."""

import time

import pytest
import stripe

from stripe_emulator import errors
from stripe_emulator.testing import EmulatorError
from stripe_emulator.tests.factories import make_session


def test_api_error_fault_fails_the_next_request_then_clears(emulator):
    emulator.fault("/v1/customers", "api_error", method="POST")

    with pytest.raises(stripe.APIError) as caught:
        stripe.Customer.create(email="a@example.com")
    customer = stripe.Customer.create(email="a@example.com")

    assert caught.value.http_status == 500
    assert caught.value.json_body["error"]["type"] == "api_error"
    assert caught.value.user_message == errors.API_ERROR
    assert [c.id for c in stripe.Customer.list().data] == [customer.id]  # the failed request created nothing
    assert emulator.state()["faults"] == []


def test_rate_limit_fault_is_a_429_rate_limit_error(emulator):
    emulator.fault("/v1/checkout/sessions", "rate_limit", count=2)

    for _ in range(2):
        with pytest.raises(stripe.RateLimitError) as caught:
            stripe.checkout.Session.list()

    assert caught.value.http_status == 429
    assert caught.value.json_body["error"]["code"] == "rate_limit"
    assert stripe.checkout.Session.list().data == []


def test_fault_paths_are_globs_and_methods_are_optional(emulator):
    session = make_session()
    emulator.fault("/v1/checkout/sessions/*", "api_error")

    stripe.checkout.Session.list()  # not matched: no trailing segment
    with pytest.raises(stripe.APIError):
        stripe.checkout.Session.retrieve(session.id)


def test_stripe_python_retries_a_500_with_the_same_idempotency_key(emulator):
    # given stripe-python's default retry policy (2 retries) and one failure armed
    stripe.max_network_retries = 2
    emulator.fault("/v1/customers", "api_error", method="POST", should_retry=True)

    # when
    customer = stripe.Customer.create(email="retry@example.com")

    # then one customer exists: the retry went through, the failure created nothing
    assert [c.id for c in stripe.Customer.list().data] == [customer.id]


def test_hang_outlives_the_client_timeout_and_a_retry_replays_the_result(emulator):
    # given a client that gives up after one second, and a hang of two seconds that still carries the request out
    stripe.default_http_client = stripe.RequestsClient(timeout=1)
    emulator.fault("/v1/customers", "timeout", method="POST", seconds=2)
    try:
        # when the first attempt times out
        with pytest.raises(stripe.APIConnectionError):
            stripe.Customer.create(email="slow@example.com", idempotency_key="slow-1")
        deadline = time.monotonic() + 10
        while not stripe.Customer.list().data and time.monotonic() < deadline:
            time.sleep(0.05)  # the emulator finishes the hung request after its two seconds
        # and the caller retries with the same key
        retried = stripe.Customer.create(email="slow@example.com", idempotency_key="slow-1")
    finally:
        stripe.default_http_client = None

    # then exactly one customer exists and the retry got it
    assert [c.id for c in stripe.Customer.list().data] == [retried.id]
    assert retried.last_response.headers["Idempotent-Replayed"] == "true"


def test_a_hanging_request_holds_its_key_a_retry_meanwhile_is_409_and_after_the_hang_replays(emulator):
    # given a client that gives up after half a second, and a two-second hang that still carries the request out
    stripe.default_http_client = stripe.RequestsClient(timeout=0.5)
    emulator.fault("/v1/customers", "timeout", method="POST", seconds=2)
    try:
        with pytest.raises(stripe.APIConnectionError):
            stripe.Customer.create(email="slow@example.com", idempotency_key="slow-2")
        # when the caller retries while Stripe is still working on the first attempt
        with pytest.raises(stripe.APIError) as caught:  # stripe-python's class for a 409, whatever its type
            stripe.Customer.create(email="slow@example.com", idempotency_key="slow-2")
        # then the key is in use
        assert caught.value.http_status == 409
        assert caught.value.json_body["error"]["code"] == "idempotency_key_in_use"
        assert caught.value.json_body["error"]["type"] == "idempotency_error"
        assert caught.value.user_message == errors.IDEMPOTENCY_KEY_IN_USE.format(key="slow-2")
        assert stripe.Customer.list().data == []  # the hang has not finished yet
        # and once the hang is over, a retry replays what the first attempt made
        deadline = time.monotonic() + 10
        while not stripe.Customer.list().data and time.monotonic() < deadline:
            time.sleep(0.05)
        retried = stripe.Customer.create(email="slow@example.com", idempotency_key="slow-2")
    finally:
        stripe.default_http_client = None

    assert [c.id for c in stripe.Customer.list().data] == [retried.id]
    assert retried.last_response.headers["Idempotent-Replayed"] == "true"


def test_a_dropped_hang_holds_its_key_then_frees_it_for_a_fresh_attempt(emulator):
    # given a one-second hang that drops the request
    stripe.default_http_client = stripe.RequestsClient(timeout=0.3)
    emulator.fault("/v1/customers", "timeout", method="POST", seconds=1, process=False)
    try:
        with pytest.raises(stripe.APIConnectionError):
            stripe.Customer.create(email="lost@example.com", idempotency_key="lost-1")
        # when retried during the hang, then the key is in use
        with pytest.raises(stripe.APIError) as caught:
            stripe.Customer.create(email="lost@example.com", idempotency_key="lost-1")
        assert caught.value.http_status == 409
        assert caught.value.json_body["error"]["type"] == "idempotency_error"
        time.sleep(1.2)  # past the hang: the dropped request stored nothing and let go of its key
    finally:
        stripe.default_http_client = None
    # when retried after it, then the retry is carried out afresh
    created = stripe.Customer.create(email="lost@example.com", idempotency_key="lost-1")

    assert "Idempotent-Replayed" not in created.last_response.headers
    assert [c.id for c in stripe.Customer.list().data] == [created.id]


def test_hang_without_processing_creates_nothing(emulator):
    stripe.default_http_client = stripe.RequestsClient(timeout=0.5)
    emulator.fault("/v1/customers", "timeout", method="POST", seconds=1, process=False)
    try:
        with pytest.raises(stripe.APIConnectionError):
            stripe.Customer.create(email="lost@example.com")
        time.sleep(1.5)  # well past the hang: a processed request would have created the customer by now
    finally:
        stripe.default_http_client = None

    assert stripe.Customer.list().data == []


def test_unknown_fault_kind_is_refused(emulator):
    with pytest.raises(EmulatorError) as caught:
        emulator.fault("/v1/customers", "explode")

    assert "unknown fault kind" in str(caught.value)


def test_clock_moves_forward_only_and_timestamps_follow_it(emulator):
    before = emulator.now()

    after = emulator.advance_clock(86400)
    customer = stripe.Customer.create()

    assert after - before >= 86400
    assert customer.created >= after
    with pytest.raises(EmulatorError):
        emulator.advance_clock(-1)


def test_reset_forgets_everything_and_restores_the_clock(emulator):
    stripe.Customer.create(email="a@example.com")
    emulator.advance_clock(3600)
    emulator.fault("/v1/customers", "api_error")
    emulator.webhook_mode(paused=True)

    emulator.reset()

    assert stripe.Customer.list().data == []
    assert stripe.Event.list().data == []
    state = emulator.state()
    assert abs(state["clock_offset"]) < 1
    assert state["faults"] == []
    assert state["webhook_mode"]["paused"] is False


def test_unknown_webhook_mode_key_is_refused(emulator):
    with pytest.raises(EmulatorError):
        emulator.webhook_mode(explode=True)
