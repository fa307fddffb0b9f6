"""partner_event_for_partners: only the partners named (those the object was made through) hear the event, each
under its own customer id; a partner the person is merely a customer of hears nothing."""

import pytest

from innerwork.accounts.tests.factories import UserFactory
from innerwork.api.events import partner_event_for_partners
from innerwork.api.services import partner_customer_create_or_link
from innerwork.api.tests.factories import PartnerFactory
from innerwork.api.webhooks.models import PartnerEvent

pytestmark = pytest.mark.django_db


def _link(partner, user) -> str:
    return partner_customer_create_or_link(
        partner=partner, email=user.email, external_id=f"u-{partner.pk}", full_name="", time_zone="UTC"
    ).customer.public_id


@pytest.mark.parametrize(
    ("named", "told"),
    [
        ([], []),
        ([None], []),
        (["a"], ["a"]),
        (["b"], ["b"]),
        (["a", "b"], ["a", "b"]),
        (["a", "a", None], ["a"]),
        (["stranger"], []),
    ],
    ids=["nobody", "the-site", "a", "b", "both", "a-twice-and-the-site", "a-partner-without-the-customer"],
)
def test_only_the_named_partners_hear_the_event_once_under_their_own_customer_id(named, told):
    # given a person who is the customer of partners a and b, and a partner they are not a customer of
    user = UserFactory(email="ada@example.com")
    partners = {"a": PartnerFactory(), "b": PartnerFactory(), "stranger": PartnerFactory()}
    customer_ids = {name: _link(partners[name], user) for name in ("a", "b")}
    ids = [partners[name].pk if name else None for name in named]
    # when an event about something made through `named` is emitted twice with the same key
    for _ in range(2):
        partner_event_for_partners(partner_ids=ids, user=user, type="order.paid", data={"n": 1}, key="order.paid:1")
    # then exactly the named partners that have the person as customer have it once, with their own id
    events = PartnerEvent.objects.order_by("partner_id")
    assert [(event.partner_id, event.data["customer"]) for event in events] == sorted(
        (partners[name].pk, customer_ids[name]) for name in told
    )


def test_something_made_on_the_site_costs_no_query(django_assert_num_queries):
    user = UserFactory()
    with django_assert_num_queries(0):
        assert partner_event_for_partners(partner_ids=[None], user=user, type="order.paid", data={}, key="k") == []
