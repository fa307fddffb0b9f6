"""Cart and wishlist changes retire their owner's cached pages, and nobody else's
(commerce/page_cache.py)."""

import pytest
from django.core.cache import cache

from commerce.tests.factories import CartFactory, CartItemFactory, WishlistItemFactory
from innerwork.accounts.tests.factories import UserFactory
from innerwork.core.page_cache import CATALOGUE, user_scope, visitor_cart_scope
from innerwork.core.tests.scopes import Retired

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def test_adding_and_removing_a_cart_item_retires_its_owners_scope_only():
    # given
    owner, other = UserFactory(), UserFactory()
    cart = CartFactory(user=owner)
    # when / then
    with Retired(user_scope(owner.pk), user_scope(other.pk), CATALOGUE) as adding:
        item = CartItemFactory(cart=cart)
    assert adding.retired == {user_scope(owner.pk)}
    with Retired(user_scope(owner.pk), user_scope(other.pk), CATALOGUE) as removing:
        item.delete()
    assert removing.retired == {user_scope(owner.pk)}


def test_a_cart_item_loaded_without_its_cart_still_retires_its_owner():
    # given
    owner = UserFactory()
    item = CartItemFactory(cart=CartFactory(user=owner))
    item = type(item).objects.get(pk=item.pk)
    # when / then
    with Retired(user_scope(owner.pk), CATALOGUE) as removing:
        item.delete()
    assert removing.retired == {user_scope(owner.pk)}


def test_a_visitors_cart_retires_the_scope_of_that_cart_only():
    # given
    cart = CartFactory(user=None, session_key="visitor-a")
    # when / then
    with Retired(visitor_cart_scope("visitor-a"), visitor_cart_scope("visitor-b"), CATALOGUE) as adding:
        CartItemFactory(cart=cart)
    assert adding.retired == {visitor_cart_scope("visitor-a")}


def test_a_cart_change_itself_retires_its_owner():
    # given
    owner = UserFactory()
    cart = CartFactory(user=owner)
    # when / then
    with Retired(user_scope(owner.pk), CATALOGUE) as saving:
        cart.save()
    assert saving.retired == {user_scope(owner.pk)}
    with Retired(user_scope(owner.pk), CATALOGUE) as deleting:
        cart.delete()
    assert deleting.retired == {user_scope(owner.pk)}


def test_saving_and_removing_a_wishlist_item_retires_its_owners_scope_only():
    # given
    owner, other = UserFactory(), UserFactory()
    # when / then
    with Retired(user_scope(owner.pk), user_scope(other.pk), CATALOGUE) as saving:
        item = WishlistItemFactory(user=owner)
    assert saving.retired == {user_scope(owner.pk)}
    with Retired(user_scope(owner.pk), user_scope(other.pk), CATALOGUE) as removing:
        item.delete()
    assert removing.retired == {user_scope(owner.pk)}
