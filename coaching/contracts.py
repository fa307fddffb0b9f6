"""Paying for a contract: the student's order, activation once paid, and what a refund or staff does to it.

A contract is sold through commerce as an order for one item (kind `coaching_contract`, ref = the
contract's pk), priced from its frozen terms (coaching.product_kind). Paying is commerce's pipeline
end to end: `contract_pay` places (or finds) the waiting order, the view opens its Stripe page, and
Stripe's webhook or the success page fulfils it, which calls `contract_activate` exactly once.

Locks are always taken contract row first, then commerce's order row (the pipeline's own order:
fulfilment locks the order and then asks the kind, which locks the contract; `contract_pay` takes
the contract lock only around placing the order, never while Stripe is called).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from coaching.contract_notifications import notify_contract_paid
from coaching.models import CONTRACT_KIND, Contract, Message
from coaching.sessions import sessions_cancel_open
from coaching.status import contract_set_status
from commerce.checkout import order_create_for_item, order_fulfil_item_from_return
from commerce.models import Order
from innerwork.core.money import format_money

NOT_PAYABLE = "This contract is {status}, so there is nothing to pay."
ACTIVATED_MESSAGE = "Payment received: the contract is active until {ends}."
THREAD_PAID_MESSAGE = (
    "{student} paid for “{title}” ({amount}). The contract {number} is active: {sessions} sessions of "
    "{minutes} minutes to use by {ends}. The first session can be booked from the contract's page."
)
REFUNDED_MESSAGE = "Refunded: {reason}"


class ContractError(Exception):
    """A contract action refused; `message` is shown to the person as it is."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _lock(contract: Contract) -> Contract:
    return (
        Contract.objects.select_for_update(of=("self",))
        .select_related("coach__user", "student", "proposal__inquiry")
        .get(pk=contract.pk)
    )


def contract_ends_at(*, contract: Contract, activated_at: datetime) -> datetime:
    """When the sessions of a contract paid at `activated_at` can no longer be used: its validity, in weeks."""
    return activated_at + timedelta(weeks=contract.validity_weeks)


def contract_pay(*, contract: Contract, user) -> Order:
    """The order that pays `contract`: its student's waiting one, or a new one priced from the frozen terms.

    Only the contract's student may pay (anyone else gets Contract.DoesNotExist, which pages show as
    404); only a contract waiting for payment can be paid (ContractError). The contract row is locked
    while the order is found or placed, so two tabs pressing Pay at once get the same order (and
    commerce then the same Stripe page). Stripe is not called here: the caller opens the page with
    commerce's order_checkout after this commits. Raises commerce's NotPurchasable / CheckoutError too.
    """
    with transaction.atomic():
        contract = _lock(contract)
        if contract.student_id != user.pk:
            raise Contract.DoesNotExist(f"contract {contract.number} is not {user.pk}'s to pay")
        if contract.status != Contract.Status.PENDING_PAYMENT:
            raise ContractError(NOT_PAYABLE.format(status=contract.get_status_display().lower()))
        return order_create_for_item(user=user, kind=CONTRACT_KIND, ref=str(contract.pk))


def contract_fulfil_from_return(*, contract: Contract, session_id: str) -> Contract:
    """The student came back from Stripe with `session_id`: fulfil the payment now if it went through (the same
    idempotent path as the webhook: one activation, one set of e-mails) and return the contract as it now is.

    Raises commerce's Order.DoesNotExist when the session pays none of the student's orders for this
    contract, and PaymentProviderError when Stripe cannot be reached (the webhook will fulfil it).
    """
    order_fulfil_item_from_return(
        user=contract.student, kind=CONTRACT_KIND, ref=str(contract.pk), session_id=session_id
    )
    contract.refresh_from_db()
    return contract


def contract_activate(*, contract: Contract, order: Order) -> Contract:
    """A paid order's line activates its contract: active from the payment, ending `validity_weeks` later.

    Call with the contract row locked, inside the fulfilment transaction (commerce keys fulfilment per
    line, so this runs once per payment; the status door refuses a second activation). In the same
    transaction: the timeline entry, an automatic message in the student's and coach's thread, and
    the "payment received" e-mails to both (outbox rows, sent after commit, keyed per contract).
    """
    activated_at = order.paid_at or timezone.now()
    ends_at = contract_ends_at(contract=contract, activated_at=activated_at)
    ends_label = f"{ends_at:%d %B %Y} (UTC)"
    contract_set_status(
        contract=contract,
        status=Contract.Status.ACTIVE,
        message=ACTIVATED_MESSAGE.format(ends=ends_label),
        data={"order": order.number, "amount": order.amount_paid, "currency": order.currency},
        changes={"activated_at": activated_at, "ends_at": ends_at},
    )
    inquiry = contract.proposal.inquiry
    body = THREAD_PAID_MESSAGE.format(
        student=contract.student.get_full_name() or contract.student.email,
        title=contract.title,
        amount=format_money(order.amount_paid, order.currency),
        number=contract.number,
        sessions=contract.sessions_count,
        minutes=contract.session_minutes,
        ends=ends_label,
    )
    Message.objects.create(inquiry=inquiry, author=None, body=body, created_at=activated_at)
    type(inquiry).objects.filter(pk=inquiry.pk, last_message_at__lt=activated_at).update(last_message_at=activated_at)
    notify_contract_paid(contract=contract, order=order)
    return contract


def contract_revoke(*, contract: Contract, reason: str, now: datetime | None = None) -> bool:
    """A refund of the contract's payment went through (staff, Stripe's dashboard, a cancellation's refund):
    an active contract becomes refunded and its scheduled sessions are cancelled, each freeing its time.

    Idempotent: a contract that is no longer active (already ended by a cancellation that started this
    refund) is left as it is, and False returned. Locks the contract row.
    """
    now = now or timezone.now()
    with transaction.atomic():
        contract = _lock(contract)
        if contract.status != Contract.Status.ACTIVE:
            return False
        sessions_cancel_open(contract=contract, party=Contract.Party.STAFF, reason=reason, now=now)
        changes = {"ended_at": now}
        if not contract.canceled_by:
            changes.update(canceled_by=Contract.Party.STAFF, cancel_reason=reason[:255])
        contract_set_status(
            contract=contract,
            status=Contract.Status.REFUNDED,
            message=REFUNDED_MESSAGE.format(reason=reason)[:255],
            changes=changes,
        )
    return True
