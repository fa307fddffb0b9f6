"""Disputes recorded from what Stripe says (dispute_record_from_stripe), the Dispute's status door, and the
staff console: tables of Stripe's answers in any order, the money a lost dispute takes, and who sees what.

The answers are DisputeInfo values as the gateway reads them from Stripe; the webhook path over the
emulator is in test_disputes_webhooks.py.
"""

import importlib
import itertools
from datetime import UTC, datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from commerce.disputes.models import Dispute
from commerce.disputes.services import (
    FLAG_DISPUTED_PREFIX,
    NOT_PAID_YET,
    DisputeNotReady,
    dispute_record_from_stripe,
    dispute_set_status,
)
from commerce.models import Order, Refund
from commerce.orders.services import order_flag
from commerce.refunds.apply import refund_apply
from commerce.refunds.status import refund_set_status
from commerce.stripe_gateway.disputes import DisputeInfo
from commerce.tests.admin_fixtures import clients_by_role, staff_roles_ensure
from commerce.tests.factories import paid_order
from commerce.tests.test_admin_roles import rights
from innerwork.core.models import OutboxEmail, StatusChange
from innerwork.core.tests.status_doors import walk_pair

pytestmark = pytest.mark.django_db

DUE = datetime(2026, 12, 11, 23, 59, 59, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _finance_alerts(settings):
    settings.STAFF_ALERT_EMAILS = ["finance@innerwork.test"]


def said(order: Order, status: str, *, dispute_id: str = "dp_1", amount: int | None = None) -> DisputeInfo:
    return DisputeInfo(
        id=dispute_id,
        charge_id="ch_1",
        payment_intent_id=order.payment_intent_id,
        order_number=order.number,
        amount=order.amount_paid if amount is None else amount,
        currency="usd",
        reason="fraudulent",
        status=status,
        evidence_due_by=DUE,
    )


@pytest.fixture
def order():
    return paid_order(lines=(4900, 2900), payment_intent_id="pi_disputed", charge_id="ch_1")


@pytest.mark.parametrize(
    ("answers", "final", "moves", "refunds"),
    [
        (["needs_response"], "needs_response", 0, 0),
        (["needs_response", "under_review"], "under_review", 1, 0),
        (["needs_response", "under_review", "won"], "won", 2, 0),
        (["needs_response", "under_review", "lost"], "lost", 2, 1),
        (["under_review", "needs_response", "under_review", "lost"], "lost", 4, 1),
        (["lost"], "lost", 1, 1),  # first seen closed: opened and lost
        (["won"], "won", 1, 0),
        (["lost", "lost", "lost"], "lost", 1, 1),  # redelivered
        (["lost", "under_review", "needs_response"], "lost", 1, 1),  # stale answers after the end
        (["won", "lost"], "won", 1, 0),  # a closed dispute never reopens
        (["under_review", "under_review"], "under_review", 1, 0),
    ],
)
def test_stripes_answers_in_any_order_end_in_one_dispute_at_its_last_status(order, answers, final, moves, refunds):
    for status in answers:
        dispute_record_from_stripe(info=said(order, status))

    dispute = Dispute.objects.get()
    assert dispute.status == final
    assert StatusChange.objects.filter(subject_type="commerce.dispute").count() == moves
    assert Refund.objects.filter(source=Refund.Source.DISPUTE).count() == refunds
    assert order.events.filter(type="disputed").count() == 1
    assert OutboxEmail.objects.filter(kind="commerce/staff_dispute").count() == 1
    assert (dispute.closed_at is not None) == (final in ("won", "lost"))


D = Dispute.Status
# Written out here, not read from the model: a change to Dispute.TRANSITIONS is made on purpose in both places.
DISPUTE_MOVES = {
    (D.NEEDS_RESPONSE, D.UNDER_REVIEW),
    (D.NEEDS_RESPONSE, D.WON),
    (D.NEEDS_RESPONSE, D.LOST),
    (D.UNDER_REVIEW, D.NEEDS_RESPONSE),
    (D.UNDER_REVIEW, D.WON),
    (D.UNDER_REVIEW, D.LOST),
}


@pytest.mark.parametrize(("from_status", "to_status"), list(itertools.product(D.values, repeat=2)))
def test_the_status_door_allows_exactly_its_map(order, from_status, to_status):
    # given a dispute in `from_status`; when the door is asked for `to_status`
    dispute = Dispute.objects.create(
        order=order, stripe_dispute_id="dp_door", amount=7800, currency="usd", reason="general", status=from_status
    )
    # then the map's pairs move once and are recorded, a repeat is no move, anything else is refused
    walk_pair(
        row=dispute,
        door=lambda row, to: dispute_set_status(dispute=row, status=to),
        to_status=to_status,
        allowed=DISPUTE_MOVES,
        same_is_noop=True,
    )
    assert (Dispute.objects.get(pk=dispute.pk).closed_at is not None) == (
        (from_status, to_status) in DISPUTE_MOVES and to_status in (D.WON, D.LOST)
    )


def test_the_status_it_has_is_no_move(order):
    dispute = dispute_record_from_stripe(info=said(order, "under_review"))

    assert dispute_set_status(dispute=dispute, status="under_review") is False


@pytest.mark.parametrize(
    ("refunded_before", "disputed", "recorded", "status", "revoked"),
    [
        (0, 7800, 7800, "refunded", 2),
        (2900, 7800, 4900, "refunded", 2),  # part refunded already: only what was left is lost
        (0, 4900, 4900, "partially_refunded", 1),  # a dispute of part of the payment
        (7800, 7800, 0, "refunded", 2),  # everything refunded already: nothing more to record
    ],
)
def test_a_lost_dispute_records_what_was_left(order, refunded_before, disputed, recorded, status, revoked):
    # given an order maybe refunded already, from its last line back
    if refunded_before:
        refund = Refund.objects.create(
            order=order, amount=refunded_before, currency="usd", source="staff", reason="goodwill", idempotency_key="k"
        )
        left = refunded_before
        for line in order.lines.order_by("-pk"):
            part = min(left, line.total_amount)
            if part:
                refund.lines.create(line=line, amount=part)
            left -= part
        refund_set_status(refund=refund, status="succeeded")
        refund_apply(order=order, refund=refund)
    # when the bank wins a dispute of `disputed`
    dispute = dispute_record_from_stripe(info=said(order, "lost", amount=disputed))
    # then
    order.refresh_from_db()
    lost = Refund.objects.filter(source=Refund.Source.DISPUTE).first()
    assert (lost.amount if lost else 0) == recorded
    assert dispute.refund == lost
    assert (order.status, order.amount_refunded) == (status, refunded_before + recorded)
    assert order.lines.filter(revoked_at__isnull=False).count() == revoked
    assert order.flag_reason.startswith(FLAG_DISPUTED_PREFIX)
    assert order.flag_resolved_at is not None


def test_a_lost_dispute_of_an_order_not_yet_paid_here_is_left_for_stripes_retry(order):
    Order.objects.filter(pk=order.pk).update(paid_at=None, status="pending", amount_paid=0)

    with pytest.raises(DisputeNotReady) as refused:
        dispute_record_from_stripe(info=said(order, "lost"))

    assert refused.value.message == NOT_PAID_YET.format(dispute="dp_1", number=order.number)
    assert not Dispute.objects.exists()
    assert not order.events.exists()
    assert not OutboxEmail.objects.exists()


def test_a_dispute_of_a_payment_we_do_not_know_is_ignored(order):
    stranger = DisputeInfo(
        **{**said(order, "needs_response").__dict__, "payment_intent_id": "pi_x", "charge_id": "ch_x"}
    )
    stranger = DisputeInfo(**{**stranger.__dict__, "order_number": "IW-NOPE"})

    assert dispute_record_from_stripe(info=stranger) is None
    assert not Dispute.objects.exists()


def test_the_order_is_found_by_the_payments_metadata_before_its_payment_is_recorded(order):
    info = DisputeInfo(**{**said(order, "needs_response").__dict__, "payment_intent_id": "pi_new", "charge_id": ""})

    assert dispute_record_from_stripe(info=info).order == order


def test_a_won_dispute_leaves_a_flag_raised_since_for_another_reason(order):
    dispute_record_from_stripe(info=said(order, "needs_response"))
    order_flag(order=Order.objects.get(pk=order.pk), reason="Paid twice")

    dispute_record_from_stripe(info=said(order, "won"))

    order.refresh_from_db()
    assert (order.flag_reason, order.flag_resolved_at) == ("Paid twice", None)


# -- staff console ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "sees_list", "sees_panel_link"),
    [("Support", False, False), ("Finance", True, True), ("Marketing", False, False), ("Admin", True, True)],
)
def test_disputes_are_listed_for_finance_and_admin_only(order, role, sees_list, sees_panel_link):
    dispute = dispute_record_from_stripe(info=said(order, "under_review"))
    client = clients_by_role()[role]

    listing = client.get(reverse("admin:commerce_dispute_changelist"))
    page = client.get(reverse("admin:commerce_order_change", args=[order.pk]))

    assert listing.status_code == (200 if sees_list else 403)
    if sees_list:
        html = listing.content.decode()
        assert "dp_1" in html
        assert order.number in html
        assert "$78.00" in html
        assert 'data-status="under_review"' in html
    if page.status_code == 200:
        html = page.content.decode()
        assert 'data-dispute="dp_1" data-dispute-status="under_review"' in html
        link = reverse("admin:commerce_dispute_change", args=[dispute.pk])
        assert (link in html) == sees_panel_link


@pytest.mark.parametrize("role", ["Finance", "Admin"])
def test_nobody_adds_changes_or_deletes_a_dispute_in_the_console(order, role):
    dispute = dispute_record_from_stripe(info=said(order, "needs_response"))
    client = clients_by_role()[role]

    page = client.get(reverse("admin:commerce_dispute_change", args=[dispute.pk]))
    posted = client.post(reverse("admin:commerce_dispute_change", args=[dispute.pk]), {"status": "won"})

    assert page.status_code == 200
    assert "dp_1" in page.content.decode()
    assert client.get(reverse("admin:commerce_dispute_add")).status_code == 403
    assert client.post(reverse("admin:commerce_dispute_delete", args=[dispute.pk])).status_code == 403
    assert posted.status_code == 403
    dispute.refresh_from_db()
    assert dispute.status == "needs_response"


@pytest.mark.parametrize(
    ("role", "has", "lacks"),
    [
        ("Support", set(), {"commerce.view_dispute", "djstripe.view_dispute"}),
        ("Finance", {"commerce.view_dispute", "djstripe.view_dispute"}, {"commerce.change_dispute"}),
        ("Marketing", set(), {"commerce.view_dispute", "djstripe.view_dispute"}),
        ("Admin", {"commerce.view_dispute", "commerce.change_dispute", "djstripe.view_dispute"}, set()),
    ],
)
def test_the_disputes_roles_migration_gives_each_role_its_rights_and_takes_them_back(role, has, lacks):
    staff_roles_ensure()
    migration = importlib.import_module("commerce.migrations.0008_disputes_staff_roles")
    state = MigrationExecutor(connection).loader.project_state(("commerce", "0008_disputes_staff_roles")).apps

    migration.create_roles(state, None)  # again: changes nothing
    assert has <= rights(role)
    assert not lacks & rights(role)

    migration.remove_rights(state, None)
    assert not {"commerce.view_dispute", "djstripe.view_dispute"} & rights(role)
    migration.create_roles(state, None)
    assert has <= rights(role)
