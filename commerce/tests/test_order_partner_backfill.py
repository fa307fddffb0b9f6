"""Migration 0007 gives existing orders the partner whose API placed them, from what the data proves and nothing
weaker: an order it cannot attribute stays the site's (hidden from partners) rather than risk showing a person's
purchase to the wrong partner."""

from __future__ import annotations

import importlib
from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from commerce.models import Order
from commerce.tests.factories import OrderFactory
from innerwork.accounts.tests.factories import UserFactory
from innerwork.api.models import ApiKey, IdempotencyRecord, PartnerCustomer
from innerwork.api.tests.factories import PartnerFactory, key_for

pytestmark = pytest.mark.django_db

backfill = importlib.import_module("commerce.migrations.0007_order_partner").backfill_partner

HOUR = timedelta(hours=1)


def _link(partner, user, *, made_account: bool, at) -> None:
    link = PartnerCustomer.objects.create(
        public_id=f"cus_{partner.pk}_{user.pk}",
        partner=partner,
        user=user,
        external_id=f"u-{user.pk}",
        created_user=made_account,
    )
    PartnerCustomer.objects.filter(pk=link.pk).update(created_at=at)


def _order(user, *, origin: str, at, partner=None) -> Order:
    order = OrderFactory(user=user, origin=origin, partner=partner)
    Order.objects.filter(pk=order.pk).update(created_at=at)
    return order


def _answered_checkout(partner, order: Order, *, status: int = 201, path="/api/v1/checkout-sessions/") -> None:
    key_for(partner)
    IdempotencyRecord.objects.create(
        api_key=ApiKey.objects.filter(partner=partner).latest("pk"),
        key=f"k-{order.pk}-{status}",
        fingerprint="f" * 64,
        method="POST",
        path=path,
        response_status=status,
        response_body={"payment_id": order.number, "session_id": "cs_test_1"},
    )


CASES = [
    # (case, links: [(partner, made the account)], order origin, placed before the link?, evidence, expected partner)
    ("an item order of an account the only partner made", [("A", True)], "item", False, None, "A"),
    ("a cart order of that account (the API places none)", [("A", True)], "cart", False, None, None),
    ("an item order placed before the link existed", [("A", True)], "item", True, None, None),
    ("an item order of an account that existed before the link", [("A", False)], "item", False, None, None),
    ("an item order of a person two partners link", [("A", True), ("B", False)], "item", False, None, None),
    ("named in A's checkout answer, the person A's and B's", [("A", False), ("B", True)], "item", False, "A", "A"),
    ("named in A's checkout answer, the person not A's customer", [("B", False)], "item", False, "A", None),
    ("named in an answer that was an error", [("A", False)], "item", False, "A-error", None),
    ("named in an answer of another endpoint", [("A", False)], "item", False, "A-other-path", None),
]


@pytest.mark.parametrize(
    ("case", "links", "origin", "before_link", "evidence", "expected"), CASES, ids=[c[0] for c in CASES]
)
def test_backfill_gives_an_order_its_partner_only_on_proof(case, links, origin, before_link, evidence, expected):
    # given partners, the person's links to them, and an order without a partner
    partners = {"A": PartnerFactory(name="A"), "B": PartnerFactory(name="B")}
    person = UserFactory()
    linked_at = timezone.now() - 2 * HOUR
    for name, made_account in links:
        _link(partners[name], person, made_account=made_account, at=linked_at)
    order = _order(person, origin=origin, at=linked_at + (-HOUR if before_link else HOUR))
    if evidence == "A":
        _answered_checkout(partners["A"], order)
    elif evidence == "A-error":
        _answered_checkout(partners["A"], order, status=409)
    elif evidence == "A-other-path":
        _answered_checkout(partners["A"], order, path="/api/v1/refunds/")

    # when the migration's backfill runs (twice: it must be repeatable)
    state_apps = MigrationExecutor(connection).loader.project_state(("commerce", "0007_order_partner")).apps
    backfill(state_apps, None)
    backfill(state_apps, None)

    # then the order has the partner the data proves, or none
    order.refresh_from_db()
    assert (order.partner.name if order.partner else None) == expected


def test_backfill_leaves_an_order_that_has_a_partner_as_it_is():
    partners = {"A": PartnerFactory(name="A"), "B": PartnerFactory(name="B")}
    person = UserFactory()
    _link(partners["A"], person, made_account=True, at=timezone.now() - 2 * HOUR)
    order = _order(person, origin="item", at=timezone.now() - HOUR, partner=partners["B"])
    _answered_checkout(partners["A"], order)
    backfill(MigrationExecutor(connection).loader.project_state(("commerce", "0007_order_partner")).apps, None)
    order.refresh_from_db()
    assert order.partner == partners["B"]
