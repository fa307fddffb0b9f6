import pytest

from commerce.models import Order
from commerce.orders.selectors import order_for_user, orders_for_user
from commerce.tests.factories import OrderFactory, OrderLineFactory
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
