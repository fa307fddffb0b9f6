"""The webhook delivery's one status door, walked pair by pair; and the roles migration's rights.

The expected map is written out here, not read from the model, so a change to TRANSITIONS has to be
made on purpose in both places.
"""

import itertools

import pytest
from django.contrib.auth.models import Group

from commerce.tests.admin_fixtures import staff_roles_ensure
from innerwork.api.webhooks.models import PartnerEvent, WebhookDelivery
from innerwork.api.webhooks.services import webhook_delivery_set_status
from innerwork.core.staff_roles import staff_role_migrations
from innerwork.core.tests.status_doors import walk_pair

pytestmark = pytest.mark.django_db
S = WebhookDelivery.Status
DELIVERY_MOVES = {(S.PENDING, S.SUCCEEDED), (S.PENDING, S.FAILED), (S.SUCCEEDED, S.PENDING), (S.FAILED, S.PENDING)}


@pytest.mark.parametrize(("from_status", "to_status"), list(itertools.product(S.values, repeat=2)))
def test_webhook_delivery_door_allows_exactly_its_map(endpoint, from_status, to_status):
    # given a delivery in `from_status` (written directly: the door under test is the only other writer)
    event = PartnerEvent.objects.create(
        public_id="evt_door", partner=endpoint.partner, type="order.paid", data={}, idempotency_key="door"
    )
    delivery = WebhookDelivery.objects.create(event=event, endpoint=endpoint, status=from_status)

    # then the map's pairs move once and are recorded; every other pair, a repeat included, is refused
    walk_pair(
        row=delivery,
        door=lambda row, to: webhook_delivery_set_status(delivery=row, status=to),
        to_status=to_status,
        allowed=DELIVERY_MOVES,
        same_is_noop=False,
    )
    if (from_status, to_status) in DELIVERY_MOVES:  # and only a delivery says when it was delivered
        assert (WebhookDelivery.objects.get(pk=delivery.pk).delivered_at is not None) == (to_status == S.SUCCEEDED)


def _rights(role: str) -> set[str]:
    group = Group.objects.get(name=role)
    return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}


WEBHOOK_RIGHTS = {
    "api.view_webhookendpoint",
    "api.view_partnerevent",
    "api.view_webhookdelivery",
    "api.view_webhookattempt",
    "api.resend_webhookdelivery",
}


@pytest.mark.parametrize(
    ("role", "has", "lacks"),
    [
        ("Support", WEBHOOK_RIGHTS, {"api.add_webhookendpoint", "api.change_webhookendpoint"}),
        ("Finance", WEBHOOK_RIGHTS, {"api.add_webhookendpoint", "api.change_webhookendpoint"}),
        ("Marketing", set(), WEBHOOK_RIGHTS),
        ("Admin", WEBHOOK_RIGHTS | {"api.add_webhookendpoint", "api.change_webhookendpoint"}, set()),
    ],
)
def test_each_role_has_its_webhook_rights(role, has, lacks):
    staff_roles_ensure()
    assert has <= _rights(role)
    assert not lacks & _rights(role)


def test_the_webhook_rights_are_made_again_with_the_other_roles():
    assert ("api", "0003_partner_webhooks_staff_roles") in staff_role_migrations()
