"""Products and prices, including lookup keys and the events they emit."""

import pytest
import stripe

from stripe_emulator.api.catalog import LOOKUP_KEY_TAKEN
from stripe_emulator.api.products import PRODUCT_HAS_PRICES
from stripe_emulator.tests.factories import event_types


def test_product_with_default_price_data_creates_both(emulator):
    product = stripe.Product.create(
        name="Mindful Leadership",
        description="Eight weeks",
        default_price_data={"currency": "eur", "unit_amount": 4900},
    )

    price = stripe.Price.retrieve(product.default_price)
    assert (price.unit_amount, price.currency, price.product, price.type) == (4900, "eur", product.id, "one_time")
    assert str(price.unit_amount_decimal) == "4900"
    assert event_types() == ["price.created", "product.created"]


def test_product_update_records_previous_attributes_and_updated_time(emulator):
    product = stripe.Product.create(name="Old name")

    updated = stripe.Product.modify(product.id, name="New name", active=False)

    assert (updated.name, updated.active) == ("New name", False)
    event = stripe.Event.list(type="product.updated").data[0]
    assert event.data.previous_attributes["name"] == "Old name"
    assert event.data.previous_attributes["active"] is True


def test_product_list_filters_by_active_and_ids(emulator):
    kept = stripe.Product.create(name="Kept")
    archived = stripe.Product.create(name="Archived", active=False)

    assert [p.id for p in stripe.Product.list(active=True).data] == [kept.id]
    assert [p.id for p in stripe.Product.list(ids=[archived.id]).data] == [archived.id]


def test_product_with_custom_id_and_duplicate_refused(emulator):
    stripe.Product.create(id="course-42", name="Course 42")

    with pytest.raises(stripe.InvalidRequestError) as caught:
        stripe.Product.create(id="course-42", name="Again")

    assert caught.value.code == "resource_already_exists"


def test_product_with_prices_cannot_be_deleted_but_a_bare_one_can(emulator):
    with_price = stripe.Product.create(name="Priced", default_price_data={"currency": "usd", "unit_amount": 100})
    bare = stripe.Product.create(name="Bare")

    with pytest.raises(stripe.InvalidRequestError) as caught:
        stripe.Product.delete(with_price.id)
    deleted = stripe.Product.delete(bare.id)

    assert caught.value.user_message == PRODUCT_HAS_PRICES
    assert deleted.deleted is True
    with pytest.raises(stripe.InvalidRequestError):
        stripe.Product.retrieve(bare.id)


def test_price_with_product_data_creates_the_product(emulator):
    price = stripe.Price.create(product_data={"name": "Coaching pack"}, currency="gbp", unit_amount=12000)

    assert stripe.Product.retrieve(price.product).name == "Coaching pack"
    assert event_types() == ["product.created", "price.created"]


def test_price_lookup_key_is_unique_unless_transferred(emulator):
    product = stripe.Product.create(name="Course")
    first = stripe.Price.create(product=product.id, currency="usd", unit_amount=100, lookup_key="course-standard")

    with pytest.raises(stripe.InvalidRequestError) as caught:
        stripe.Price.create(product=product.id, currency="usd", unit_amount=200, lookup_key="course-standard")
    second = stripe.Price.create(
        product=product.id, currency="usd", unit_amount=200, lookup_key="course-standard", transfer_lookup_key=True
    )

    assert caught.value.user_message == LOOKUP_KEY_TAKEN.format(price=first.id)
    assert stripe.Price.retrieve(first.id).lookup_key is None
    assert [p.id for p in stripe.Price.list(lookup_keys=["course-standard"]).data] == [second.id]


def test_price_update_archives_and_list_filters(emulator):
    product = stripe.Product.create(name="Course")
    old = stripe.Price.create(product=product.id, currency="usd", unit_amount=100)
    new = stripe.Price.create(product=product.id, currency="usd", unit_amount=150)

    stripe.Price.modify(old.id, active=False, nickname="2025 price")

    assert [p.id for p in stripe.Price.list(product=product.id, active=True).data] == [new.id]
    assert stripe.Price.retrieve(old.id).nickname == "2025 price"
    assert stripe.Event.list(type="price.updated").data[0].data.previous_attributes["active"] is True


def test_recurring_price_is_stored_and_filterable(emulator):
    price = stripe.Price.create(
        product_data={"name": "Membership"}, currency="usd", unit_amount=900, recurring={"interval": "month"}
    )

    assert price.type == "recurring"
    assert price.recurring.interval_count == 1
    assert [p.id for p in stripe.Price.list(type="recurring").data] == [price.id]


def test_price_needs_an_amount_and_a_valid_currency(emulator):
    with pytest.raises(stripe.InvalidRequestError) as missing:
        stripe.Price.create(product_data={"name": "X"}, currency="usd")
    with pytest.raises(stripe.InvalidRequestError) as currency:
        stripe.Price.create(product_data={"name": "X"}, currency="dollars", unit_amount=1)

    assert missing.value.param == "unit_amount"
    assert currency.value.param == "currency"


def test_price_search_by_lookup_key(emulator):
    price = stripe.Price.create(product_data={"name": "X"}, currency="usd", unit_amount=1, lookup_key="lk-1")

    assert [p.id for p in stripe.Price.search(query="lookup_key:'lk-1'").data] == [price.id]
