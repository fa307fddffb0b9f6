"""A Stripe account that forgot our mirrors (demo state deleted, keys switched) does not block checkout for ever."""

import pytest
from djstripe.models import Customer

from commerce import stripe_gateway as gateway
from commerce.models import CatalogPrice, Order
from commerce.stripe_gateway.client import client as stripe_client
from commerce.stripe_mirror import catalog_item_sync
from commerce.tests.stripe_fixtures import cart_for, checkout, session_id_of
from courses.tests.factories import CourseFactory

pytestmark = pytest.mark.django_db


def prices_of_session(session_id: str) -> list[str]:
    return [item.price.id for item in stripe_client().v1.checkout.sessions.line_items.list(session_id).data]


def test_a_checkout_mirrors_again_a_course_whose_price_stripe_forgot(client, buyer, emulator):
    # given a course mirrored in Stripe, and then Stripe forgetting everything
    course = CourseFactory(title="Calm Under Pressure", price_amount=4900)
    old = catalog_item_sync(kind="course", ref=str(course.pk))
    emulator.reset()
    cart_for(buyer, course)
    # when the customer checks out
    session_id = session_id_of(checkout(client))
    # then the session charges a new Price of the same amount, and the stale mirror is retired
    new = CatalogPrice.objects.get(kind="course", ref=str(course.pk), is_active=True)
    assert new.stripe_price_id != old.stripe_price_id
    assert new.stripe_product_id != old.stripe_product_id
    assert (new.unit_amount, new.currency) == (4900, "usd")
    assert prices_of_session(session_id) == [new.stripe_price_id]
    assert not CatalogPrice.objects.get(pk=old.pk).is_active
    order = Order.objects.get()
    assert order.lines.get().stripe_price_id == new.stripe_price_id
    assert order.checkout_sessions.get().stripe_id == session_id


def test_a_checkout_gives_the_buyer_a_new_customer_when_stripe_forgot_theirs(client, buyer, emulator):
    # given the buyer's Stripe Customer and the course's Price, and then Stripe forgetting both
    course = CourseFactory(title="Calm Under Pressure", price_amount=4900)
    catalog_item_sync(kind="course", ref=str(course.pk))
    stale_customer = gateway.customer_for_user(user=buyer)
    emulator.reset()
    cart_for(buyer, course)
    # when the customer checks out
    session_id = session_id_of(checkout(client))
    # then the session belongs to a new Customer, which is now the buyer's; the old link is purged
    order = Order.objects.get()
    assert order.stripe_customer_id not in ("", stale_customer)
    assert gateway.session_retrieve(session_id=session_id).customer_id == order.stripe_customer_id
    assert gateway.customer_for_user(user=buyer) == order.stripe_customer_id
    assert Customer.objects.get(id=stale_customer).date_purged is not None


def test_a_second_checkout_after_recovering_reuses_the_new_mirrors(client, buyer, emulator):
    # given a checkout that recovered from a forgetful Stripe
    course = CourseFactory(title="Calm Under Pressure", price_amount=4900)
    catalog_item_sync(kind="course", ref=str(course.pk))
    gateway.customer_for_user(user=buyer)
    emulator.reset()
    cart_for(buyer, course)
    first = session_id_of(checkout(client))
    # when the customer checks out again
    again = session_id_of(checkout(client))
    # then they are sent back to the same page, and no further Price was made
    assert again == first
    assert CatalogPrice.objects.filter(kind="course", ref=str(course.pk)).count() == 2
