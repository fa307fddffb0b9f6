import pytest
from django.utils import timezone

from commerce.models import Order
from commerce.orders.selectors import item_payment_declined, order_for_item_session, order_for_user, orders_for_user
from commerce.tests.factories import CheckoutSessionFactory, OrderFactory, OrderLineFactory
from innerwork.accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_orders_for_user_lists_only_their_orders_newest_first():
    user = UserFactory()
    older, newer = OrderFactory(user=user), OrderFactory(user=user)
    OrderFactory()
    assert list(orders_for_user(user=user)) == [newer, older]


def test_order_for_user_finds_their_order_with_its_lines():
    order = OrderFactory()
    OrderLineFactory(order=order)
    found = order_for_user(user=order.user, number=order.number)
    assert found == order
    assert len(found.lines.all()) == 1


def test_another_persons_order_does_not_exist_for_you():
    order = OrderFactory()
    with pytest.raises(Order.DoesNotExist):
        order_for_user(user=UserFactory(), number=order.number)


@pytest.mark.parametrize(
    ("asked", "found"),
    [
        ({}, True),
        ({"user": "someone else"}, False),
        ({"kind": "coaching_contract"}, False),
        ({"ref": "43"}, False),
        ({"session_id": "cs_test_other"}, False),
    ],
    ids=["own-session-for-this-item", "another-users-session", "another-kind", "another-item", "another-session"],
)
def test_order_for_item_session_finds_the_order_only_for_its_buyer_item_and_session(asked, found):
    # given a course line for item 42 in an order, and a Checkout Session opened for that order
    order = OrderFactory(origin=Order.Origin.ITEM)
    OrderLineFactory(order=order, kind="course", ref="42")
    CheckoutSessionFactory(order=order, stripe_id="cs_test_paid")
    CheckoutSessionFactory(stripe_id="cs_test_other", order__user=order.user)  # the buyer's other order
    query = {"user": order.user, "kind": "course", "ref": "42", "session_id": "cs_test_paid", **asked}
    if query["user"] == "someone else":
        query["user"] = UserFactory()
    # when asking for the order that session paid for that item
    result = order_for_item_session(**query)
    # then only the exact match finds it
    assert result == (order if found else None)


# -- why the last try to pay for an item failed ------------------------------------------------------

DECLINE = "Your card has insufficient funds."


def _order_for_item(user, *, status: str, failure_message: str = "", paid: bool = False, ref: str = "7") -> Order:
    order = OrderFactory(
        user=user, status=status, failure_message=failure_message, paid_at=timezone.now() if paid else None
    )
    OrderLineFactory(order=order, kind="mentorship_session", ref=ref)
    return order


@pytest.mark.parametrize(
    ("orders", "expected"),
    [
        ([], ""),
        ([{"status": "pending"}], ""),
        ([{"status": "failed", "failure_message": DECLINE}], DECLINE),
        ([{"status": "failed", "failure_message": DECLINE, "ref": "8"}], ""),
        ([{"status": "paid", "failure_message": "", "paid": True}], ""),
        ([{"status": "failed", "failure_message": DECLINE}, {"status": "pending"}], ""),
        ([{"status": "expired"}, {"status": "failed", "failure_message": DECLINE}], DECLINE),
    ],
    ids=["never-tried", "left-the-page", "declined", "other-item", "paid", "declined-then-new-try", "declined-last"],
)
def test_item_payment_declined_is_stripes_reason_only_when_the_last_try_was_declined(orders, expected):
    user = UserFactory()
    for order in orders:
        _order_for_item(user, **order)

    assert item_payment_declined(user=user, kind="mentorship_session", ref="7") == expected


def test_item_payment_declined_never_reads_someone_elses_order():
    _order_for_item(UserFactory(), status="failed", failure_message=DECLINE)

    assert item_payment_declined(user=UserFactory(), kind="mentorship_session", ref="7") == ""
