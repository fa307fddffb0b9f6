"""partner_event_for_partners: only the partners named (those the object was made through) hear the event, each
with the object rendered for it (its own customer id); a partner the person is merely a customer of hears nothing.
That each event type's object equals the API's answer is proven in test_event_objects.py."""

import pytest

from innerwork.accounts.tests.factories import UserFactory
from innerwork.api.events import partner_event_for_partners
from innerwork.api.models import PartnerCustomer
from innerwork.api.services import partner_customer_create_or_link
from innerwork.api.tests.factories import PartnerFactory
from innerwork.api.webhooks.models import PartnerEvent

pytestmark = pytest.mark.django_db


def _link(partner, user) -> str:
    return partner_customer_create_or_link(
        partner=partner, email=user.email, external_id=f"u-{partner.pk}", full_name="", time_zone="UTC"
    ).customer.public_id


def _as_seen_by(user):
    """A renderer as the apps write them: the object names the receiving partner's own customer id."""
    return lambda partner: {"customer": PartnerCustomer.objects.get(partner=partner, user=user).public_id}


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
        partner_event_for_partners(
            partner_ids=ids, user=user, type="order.paid", render=_as_seen_by(user), key="order.paid:1"
        )
    # then exactly the named partners that have the person as customer have it once, with their own id
    events = PartnerEvent.objects.order_by("partner_id")
    assert [(event.partner_id, event.data["customer"]) for event in events] == sorted(
        (partners[name].pk, customer_ids[name]) for name in told
    )


def test_something_made_on_the_site_costs_no_query(django_assert_num_queries):
    user = UserFactory()
    with django_assert_num_queries(0):
        assert partner_event_for_partners(partner_ids=[None], user=user, type="order.paid", render=dict, key="k") == []


def test_a_partner_that_cannot_see_the_object_hears_nothing_and_extras_go_beside_the_object():
    # given a person who is the customer of partners a and b, and an object only b's API shows
    user = UserFactory()
    partners = [PartnerFactory(), PartnerFactory()]
    for partner in partners:
        _link(partner, user)
    # when the event is emitted to both, with something only the event says
    events = partner_event_for_partners(
        partner_ids=[partner.pk for partner in partners],
        user=user,
        type="booking.rescheduled",
        render=lambda partner: {"id": "b1"} if partner == partners[1] else None,
        key="booking.rescheduled:1",
        data_extra={"previous_attributes": {"start": "2026-12-07T09:00:00Z"}},
    )
    # then only b has it, the object as rendered and the extra beside it
    assert [(e.partner_id, e.data, e.data_extra) for e in events] == [
        (partners[1].pk, {"id": "b1"}, {"previous_attributes": {"start": "2026-12-07T09:00:00Z"}})
    ]
    assert PartnerEvent.objects.count() == 1
