"""A contract cannot be paid twice, even from two tabs at once (real threads on PostgreSQL, the Stripe emulator).

- Two tabs pressing Pay at the same moment get one order and one Stripe page.
- Stripe's webhook, delivered several times at once while the success page is open in two tabs,
  activates the contract once: one timeline entry, one message in the thread, one e-mail each.
- Two different payments that both got through (two orders) are fulfilled at the same moment: one
  activates the contract, the other is refused and refunded in full automatically.
"""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
import stripe
from django.urls import reverse
from django.utils import timezone

from coaching.contracts import contract_pay
from coaching.models import Contract, Message
from coaching.product_kind import ALREADY_PAID
from coaching.tests.factories_pay import CANCEL_URL, SUCCESS_URL, contract_make, open_session_id
from commerce.checkout import order_checkout, order_fulfil_from_return
from commerce.models import Order, Refund
from commerce.tests.stripe_fixtures import (  # noqa: F401  (emulator, webhooks: fixtures used by name)
    emulator,
    run_at_once,
    session_id_of,
    signed_in_client,
    webhooks,
)
from innerwork.core.models import OutboxEmail

pytestmark = pytest.mark.django_db(transaction=True)


def _pay_url(contract: Contract) -> str:
    return reverse("coaching:contract_pay", kwargs={"number": contract.number})


def _paid_url(contract: Contract, session_id: str) -> str:
    return reverse("coaching:contract_paid", kwargs={"number": contract.number}) + f"?session_id={session_id}"


def _activation_state(contract: Contract) -> dict:
    contract.refresh_from_db()
    return {
        "status": contract.status,
        "activations": contract.events.filter(type="active").count(),
        "thread_messages": Message.objects.filter(inquiry=contract.proposal.inquiry, author=None).count(),
        "paid_emails": OutboxEmail.objects.filter(dedup_key__startswith=f"contract:{contract.pk}:paid:").count(),
    }


def test_two_tabs_pressing_pay_at_once_get_one_order_and_one_stripe_page(emulator):  # noqa: F811
    # given a contract and its student with two tabs open
    contract = contract_make()
    tabs = [signed_in_client(contract.student), signed_in_client(contract.student)]
    # when both press Pay at the same moment
    responses = run_at_once(*[lambda tab=tab: tab.post(_pay_url(contract)) for tab in tabs])
    # then both are sent to the same Stripe page of the same order
    assert [session_id_of(response) for response in responses] == [session_id_of(responses[0])] * 2
    assert Order.objects.filter(user=contract.student).count() == 1
    assert urlsplit(responses[0]["Location"]).netloc == urlsplit(emulator.url).netloc


def test_the_webhook_delivered_five_times_with_two_success_pages_open_activates_once(
    emulator,  # noqa: F811
    webhooks,  # noqa: F811
):
    # given the student on Stripe's page
    contract = contract_make()
    session_id = session_id_of(signed_in_client(contract.student).post(_pay_url(contract)))
    emulator.wait_for_webhooks()
    # and Stripe set to deliver checkout.session.completed five times, five at a time
    emulator.webhook_mode(paused=True, duplicate=5, concurrency=5, event_types=["checkout.session.completed"])
    emulator.pay_checkout_session(session_id)
    # when the deliveries go out while the success page opens in two tabs
    pages = [signed_in_client(contract.student), signed_in_client(contract.student)]
    results = run_at_once(
        emulator.resume_webhooks,
        lambda: pages[0].get(_paid_url(contract, session_id)),
        lambda: pages[1].get(_paid_url(contract, session_id)),
    )
    emulator.wait_for_webhooks()
    # then every delivery was accepted and the contract was activated exactly once
    assert [getattr(result, "status_code", result) for result in results[1:]] == [200, 200]
    [completed] = stripe.Event.list(type="checkout.session.completed").data
    assert [d["status"] for d in emulator.deliveries(event_id=completed.id)] == ["succeeded"] * 5
    assert _activation_state(contract) == {
        "status": Contract.Status.ACTIVE,
        "activations": 1,
        "thread_messages": 1,
        "paid_emails": 2,
    }


def test_two_payments_fulfilled_at_once_keep_one_and_refund_the_other(emulator):  # noqa: F811
    # given two orders for one contract, each paid on its own Stripe page (a tab left open since the day before)
    contract = contract_make(price_amount=90000)
    older = contract_pay(contract=contract, user=contract.student)
    order_checkout(order=older, success_url=SUCCESS_URL, cancel_url=CANCEL_URL)
    Order.objects.filter(pk=older.pk).update(created_at=timezone.now() - timedelta(hours=25))
    newer = contract_pay(contract=contract, user=contract.student)
    order_checkout(order=newer, success_url=SUCCESS_URL, cancel_url=CANCEL_URL)
    sessions = {order.pk: open_session_id(order) for order in (older, newer)}
    for session_id in sessions.values():
        emulator.pay_checkout_session(session_id, card="4242424242424242")
    # when both payments are fulfilled at the same moment
    results = run_at_once(
        *[
            lambda order=order: order_fulfil_from_return(order=order, session_id=sessions[order.pk])
            for order in (older, newer)
        ]
    )
    # then neither raised; the contract was activated once by one of them
    assert not [result for result in results if isinstance(result, Exception)]
    assert _activation_state(contract)["activations"] == 1
    assert contract.status == Contract.Status.ACTIVE
    lines = {order.pk: order.lines.get() for order in (older, newer)}
    kept = [pk for pk, line in lines.items() if line.fulfilled_at is not None]
    refused = [pk for pk, line in lines.items() if line.revoked_at is not None]
    assert len(kept) == 1
    assert len(refused) == 1
    assert kept != refused
    # and the other payment is refunded in full, automatically (sent to Stripe after its commit)
    refund = Refund.objects.get(order_id=refused[0])
    assert (refund.amount, refund.source) == (90000, "automatic")
    assert refund.status == "succeeded"
    assert ALREADY_PAID in refund.reason
    assert not Refund.objects.filter(order_id=kept[0]).exists()
