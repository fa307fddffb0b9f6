"""Pagination, `expand[]` and `Idempotency-Key`, as stripe-python uses them."""

import threading
import time

import pytest
import stripe

from stripe_emulator import errors
from stripe_emulator.tests.factories import make_paid_session


@pytest.fixture
def five_customers(emulator):
    return [stripe.Customer.create(email=f"c{index}@example.com") for index in range(5)]


def test_lists_are_newest_first_with_limit_and_has_more(five_customers):
    page = stripe.Customer.list(limit=2)

    assert [c.id for c in page.data] == [five_customers[4].id, five_customers[3].id]
    assert page.has_more is True
    assert page.url == "/v1/customers"


def test_starting_after_and_ending_before_walk_both_ways(five_customers):
    second = stripe.Customer.list(limit=2, starting_after=five_customers[3].id)
    back = stripe.Customer.list(limit=2, ending_before=five_customers[2].id)
    last = stripe.Customer.list(limit=2, starting_after=five_customers[1].id)

    assert [c.id for c in second.data] == [five_customers[2].id, five_customers[1].id]
    assert [c.id for c in back.data] == [five_customers[4].id, five_customers[3].id]
    assert ([c.id for c in last.data], last.has_more) == ([five_customers[0].id], False)


def test_auto_paging_walks_every_object_once(five_customers):
    seen = [c.id for c in stripe.Customer.list(limit=2).auto_paging_iter()]

    assert seen == [c.id for c in reversed(five_customers)]


def test_limit_outside_1_to_100_is_refused(emulator):
    with pytest.raises(stripe.InvalidRequestError) as caught:
        stripe.Customer.list(limit=101)

    assert caught.value.user_message == errors.INVALID_LIMIT


def test_unknown_cursor_is_a_resource_missing_error(emulator):
    with pytest.raises(stripe.InvalidRequestError) as caught:
        stripe.Customer.list(starting_after="cus_gone")

    assert (caught.value.code, caught.value.param) == ("resource_missing", "starting_after")


def test_created_filter_with_range(emulator):
    early = stripe.Customer.create(email="early@example.com")
    emulator.advance_clock(100)
    late = stripe.Customer.create(email="late@example.com")

    after = stripe.Customer.list(created={"gt": early.created})
    before = stripe.Customer.list(created={"lte": early.created})

    assert [c.id for c in after.data] == [late.id]
    assert [c.id for c in before.data] == [early.id]


def test_nested_expand_of_payment_intent_latest_charge(emulator):
    paid = make_paid_session(emulator)

    session = stripe.checkout.Session.retrieve(paid.id, expand=["payment_intent.latest_charge.balance_transaction"])

    assert session.payment_intent.latest_charge.balance_transaction.object == "balance_transaction"
    assert session.payment_intent.latest_charge.payment_intent == session.payment_intent.id


def test_expand_on_lists_uses_data_prefix(emulator):
    make_paid_session(emulator)

    charges = stripe.Charge.list(expand=["data.payment_intent", "data.balance_transaction"])

    assert charges.data[0].payment_intent.object == "payment_intent"
    assert charges.data[0].balance_transaction.object == "balance_transaction"


def test_expanding_what_cannot_be_expanded_is_an_error(emulator):
    customer = stripe.Customer.create()

    with pytest.raises(stripe.InvalidRequestError) as caught:
        stripe.Customer.retrieve(customer.id, expand=["email"])
    with pytest.raises(stripe.InvalidRequestError) as on_list:
        stripe.Customer.list(expand=["email"])

    assert caught.value.user_message == errors.NOT_EXPANDABLE.format(path="email")
    assert on_list.value.param == "expand"


def test_expand_on_create(emulator):
    product = stripe.Product.create(name="Course")

    price = stripe.Price.create(product=product.id, currency="usd", unit_amount=100, expand=["product"])

    assert price.product.name == "Course"


def test_same_idempotency_key_and_parameters_replay_the_first_response(emulator):
    first = stripe.Customer.create(email="ann@example.com", idempotency_key="signup-1")

    second = stripe.Customer.create(email="ann@example.com", idempotency_key="signup-1")

    assert second.id == first.id
    assert second.last_response.headers["Idempotent-Replayed"] == "true"
    assert len(stripe.Customer.list().data) == 1
    assert stripe.Event.list().data[0]["request"]["idempotency_key"] == "signup-1"


def test_same_key_with_other_parameters_is_400_idempotency_error(emulator):
    stripe.Customer.create(email="ann@example.com", idempotency_key="signup-2")

    with pytest.raises(stripe.IdempotencyError) as caught:
        stripe.Customer.create(email="bob@example.com", idempotency_key="signup-2")

    assert caught.value.http_status == 400
    assert caught.value.user_message == errors.IDEMPOTENCY_MISMATCH.format(key="signup-2")
    assert caught.value.json_body["error"]["type"] == "idempotency_error"


def test_same_key_on_another_endpoint_is_refused(emulator):
    stripe.Customer.create(email="ann@example.com", idempotency_key="key-3")

    with pytest.raises(stripe.IdempotencyError):
        stripe.Product.create(name="Course", idempotency_key="key-3")


def test_a_failed_request_is_not_remembered(emulator):
    with pytest.raises(stripe.InvalidRequestError):
        stripe.Product.create(idempotency_key="key-4")

    product = stripe.Product.create(name="Course", idempotency_key="key-4")

    assert product.name == "Course"


def test_keys_expire_after_24_hours(emulator):
    first = stripe.Customer.create(email="ann@example.com", idempotency_key="key-5")
    emulator.advance_clock(24 * 3600 + 1)

    second = stripe.Customer.create(email="ann@example.com", idempotency_key="key-5")

    assert second.id != first.id


def test_a_second_request_while_the_first_is_in_progress_is_409_then_a_retry_replays_the_first(emulator):
    # given two threads sending one key at once, the request that gets in first still working for a second
    emulator.fault("/v1/customers", "timeout", method="POST", seconds=1)
    barrier = threading.Barrier(2)
    created, refused = [], []

    def create():
        barrier.wait(timeout=10)
        try:
            created.append(stripe.Customer.create(email="race@example.com", idempotency_key="race-1"))
        except stripe.APIError as exc:  # stripe-python maps a 409 to APIError, whatever its type
            refused.append(exc)

    # when both are sent
    threads = [threading.Thread(target=create) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    # then one is answered 200 and the other 409 idempotency_key_in_use, at once, not after the first finished
    assert len(created) == 1
    assert len(refused) == 1
    assert refused[0].http_status == 409
    assert refused[0].json_body["error"]["code"] == "idempotency_key_in_use"
    assert refused[0].json_body["error"]["type"] == "idempotency_error"
    assert refused[0].user_message == errors.IDEMPOTENCY_KEY_IN_USE.format(key="race-1")
    # and a later retry replays the first answer: one customer in all
    retried = stripe.Customer.create(email="race@example.com", idempotency_key="race-1")
    assert retried.id == created[0].id
    assert retried.last_response.headers["Idempotent-Replayed"] == "true"
    assert [c.id for c in stripe.Customer.list().data] == [created[0].id]


def test_requests_with_different_keys_do_not_block_each_other(emulator):
    # given one request hanging with its key
    emulator.fault("/v1/customers", "timeout", method="POST", seconds=1)
    slow = threading.Thread(target=lambda: stripe.Customer.create(email="slow@example.com", idempotency_key="key-a"))
    slow.start()
    time.sleep(0.3)
    # when another key is used meanwhile
    other = stripe.Customer.create(email="fast@example.com", idempotency_key="key-b")
    slow.join(timeout=30)

    # then it went through, and so did the hanging one
    assert sorted(c.email for c in stripe.Customer.list().data) == ["fast@example.com", "slow@example.com"]
    assert other.email == "fast@example.com"
