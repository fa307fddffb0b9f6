"""partner_event_for_user: each partner owning the user hears the event under its own customer id; nobody else."""

import pytest

from innerwork.accounts.tests.factories import UserFactory
from innerwork.api.events import partner_event_for_user
from innerwork.api.services import partner_customer_create_or_link
from innerwork.api.tests.factories import PartnerFactory
from innerwork.api.webhooks.models import PartnerEvent

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("owners", [0, 1, 2], ids=["no-partner", "one-partner", "two-partners"])
def test_each_owning_partner_gets_the_event_once_with_its_own_customer_id(owners):
    # given a user linked to `owners` partners, and a partner that does not own them
    user = UserFactory(email="ada@example.com")
    partners = [PartnerFactory() for _ in range(owners)]
    customer_ids = {
        partner.pk: partner_customer_create_or_link(
            partner=partner, email=user.email, external_id="u-1", full_name="", time_zone="UTC"
        ).customer.public_id
        for partner in partners
    }
    bystander = PartnerFactory()
    # when an event about them is emitted twice with the same key
    for _ in range(2):
        partner_event_for_user(user=user, type="order.paid", data={"number": "ORD-1"}, key="order.paid:1")
    # then each owner has it once, naming its own customer, and the bystander has nothing
    events = PartnerEvent.objects.order_by("partner_id")
    assert [(event.partner_id, event.data["customer"]) for event in events] == sorted(customer_ids.items())
    assert not PartnerEvent.objects.filter(partner=bystander).exists()


def test_a_user_no_partner_owns_costs_one_query(django_assert_num_queries):
    user = UserFactory()
    with django_assert_num_queries(1):
        assert partner_event_for_user(user=user, type="order.paid", data={}, key="order.paid:2") == []
