"""Customers: create, retrieve, update (metadata semantics, previous_attributes), delete, list and search."""

import pytest
import stripe

from stripe_emulator.api.customers import INVALID_EMAIL
from stripe_emulator.tests.factories import event_types


def test_created_customer_is_retrievable_and_emits_customer_created(emulator):
    # when
    customer = stripe.Customer.create(email="ann@example.com", name="Ann Lee", metadata={"user_id": "7"})

    # then
    again = stripe.Customer.retrieve(customer.id)
    assert (again.email, again.name, again.metadata.to_dict()) == ("ann@example.com", "Ann Lee", {"user_id": "7"})
    assert customer.id.startswith("cus_")
    assert event_types() == ["customer.created"]


def test_update_merges_metadata_and_empty_value_removes_a_key(emulator):
    customer = stripe.Customer.create(email="ann@example.com", metadata={"a": "1", "b": "2"})

    updated = stripe.Customer.modify(customer.id, metadata={"a": "", "c": "3"}, name="Ann")

    assert updated.metadata.to_dict() == {"b": "2", "c": "3"}
    assert updated.name == "Ann"


def test_update_event_carries_previous_attributes(emulator):
    customer = stripe.Customer.create(email="old@example.com", metadata={"a": "1"})

    stripe.Customer.modify(customer.id, email="new@example.com", metadata={"a": "2"})

    event = stripe.Event.list(type="customer.updated").data[0]
    assert event.data.object.email == "new@example.com"
    assert event.data.previous_attributes.to_dict() == {"email": "old@example.com", "metadata": {"a": "1"}}


def test_update_without_change_emits_nothing(emulator):
    customer = stripe.Customer.create(email="ann@example.com")

    stripe.Customer.modify(customer.id, email="ann@example.com")

    assert event_types() == ["customer.created"]


def test_invalid_email_is_refused(emulator):
    with pytest.raises(stripe.InvalidRequestError) as caught:
        stripe.Customer.create(email="not-an-email")

    assert caught.value.user_message == INVALID_EMAIL.format(email="not-an-email")
    assert caught.value.param == "email"


def test_list_filters_by_email_newest_first(emulator):
    first = stripe.Customer.create(email="same@example.com")
    stripe.Customer.create(email="other@example.com")
    second = stripe.Customer.create(email="same@example.com")

    found = stripe.Customer.list(email="same@example.com")

    assert [customer.id for customer in found.data] == [second.id, first.id]
    assert found.url == "/v1/customers"


def test_search_by_email_and_metadata(emulator):
    ann = stripe.Customer.create(email="ann@example.com", metadata={"user_id": "7"})
    stripe.Customer.create(email="bob@example.com", metadata={"user_id": "8"})

    by_email = stripe.Customer.search(query="email:'ann@example.com'")
    by_metadata = stripe.Customer.search(query="metadata['user_id']:'7'")
    by_either = stripe.Customer.search(query="email:'bob@example.com' OR metadata['user_id']:'7'")

    assert [c.id for c in by_email.data] == [ann.id] == [c.id for c in by_metadata.data]
    assert by_email.object == "search_result"
    assert len(by_either.data) == 2


def test_search_pages_through_results(emulator):
    for index in range(5):
        stripe.Customer.create(email=f"user{index}@example.com", name="Same")

    found = list(stripe.Customer.search(query="name:'Same'", limit=2).auto_paging_iter())

    assert len(found) == 5
    assert len({customer.id for customer in found}) == 5


def test_search_rejects_an_unknown_field(emulator):
    with pytest.raises(stripe.InvalidRequestError):
        stripe.Customer.search(query="favourite_colour:'teal'")


def test_deleted_customer_is_a_stub_and_leaves_the_list(emulator):
    customer = stripe.Customer.create(email="ann@example.com")

    deleted = stripe.Customer.delete(customer.id)

    assert deleted.deleted is True
    assert stripe.Customer.retrieve(customer.id).deleted is True
    assert stripe.Customer.list().data == []
    assert event_types()[-1] == "customer.deleted"
