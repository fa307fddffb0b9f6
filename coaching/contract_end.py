"""How an active contract ends: used up, at its end date, or cancelled by one side with a pro-rata refund.

- Used up: the session that uses the last credit (completed, no-show, cancelled late) completes it.
- End date: `contracts_end_due` (cron, `manage.py end_coaching_contracts`) completes every active
  contract whose `ends_at` has passed; its unused credits expire. A week before, both people are told
  how many sessions are left (`contracts_warn_expiring`, once per contract: `expiry_warned_at`).
- Cancelled: `contract_cancel` by the student gives back `paid − used × (paid ÷ sessions)` (credits.prorata_refund,
  largest remainder, never more than is left of the payment), counting as used the open sessions the
  cancellation itself makes late; by the coach or staff every unused credit comes back. The quote
  (`contract_cancel_quote`) is what the page shows and exactly what is refunded.

Locks: the contract row first (then its sessions, then scheduling's), as in coaching.sessions. The
money moves after the contract's transaction commits, through commerce's refund pipeline (once per
contract: its request key), which issues the credit note and e-mails the refund; the contract's
status is already `refunded` then, so the product kind's revoke, called when Stripe confirms, finds
nothing left to do.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from coaching.credits import contract_credits, prorata_refund
from coaching.models import CONTRACT_KIND, CoachingSession, Contract
from coaching.session_notifications import notify_contract_ended, notify_contract_expiring
from coaching.sessions import (
    SessionError,
    contract_lock,
    session_cancel_status,
    session_party,
    sessions_cancel_open,
    sessions_remind_due,
)
from coaching.status import contract_set_status
from commerce.exceptions import RefundError
from commerce.models import Order
from commerce.orders import order_line_for_item
from commerce.refunds import refund_start, refundable_by_line
from innerwork.core.audit import staff_action_record
from innerwork.core.money import format_money

WARN_BEFORE = timedelta(days=7)

NOT_CANCELABLE = "Only an active contract, or one still waiting for payment, can be cancelled."
REASON_REQUIRED = "Say why: the reason is kept on the contract's timeline and in the staff audit log."
OVERRIDE_STAFF_ONLY = "Only staff can choose another refund amount."
OVERRIDE_TOO_MUCH = "At most {left} is left of this payment to refund."
REFUND_ON_ITS_WAY = "A refund of {amount} is on its way; we'll e-mail the credit note when Stripe confirms it."

EXPLAIN_STUDENT = "{used} of {sessions} sessions used{late}: the {unused} unused come back, {amount}."
EXPLAIN_LATE = " (counting {count} booked too close to start to cancel in time)"
EXPLAIN_RETURNED = "The {party} cancelled: every unused session comes back ({unused} of {sessions}), {amount}."
EXPLAIN_UNPAID = "Nothing was paid for this contract, so nothing comes back."


@dataclass(frozen=True)
class ContractCancelQuote:
    """What cancelling the contract now gives back (the shape of commerce's RefundVerdict, plus the counts).

    `amount` of `currency` goes back; `used` credits count as used (with `late` open sessions the
    cancellation itself would make late); `order`/`line_id` are the payment it comes from (None unpaid).
    """

    amount: int
    currency: str
    paid: int
    sessions: int
    used: int
    late: int
    explanation: str
    order: Order | None
    line_id: int | None
    eligible: bool = True
    reasons: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return format_money(self.amount, self.currency)

    @property
    def unused(self) -> int:
        return self.sessions - self.used


def contract_cancel_quote(*, contract: Contract, party: str, now: datetime | None = None) -> ContractCancelQuote:
    """What goes back if `party` (student, coach, staff) cancels the contract now. Reads only.

    The paid amount is what the contract's order line really cost (after any discount), and refunds
    already made or on their way are subtracted, exactly as commerce's refund_start counts them.
    """
    now = now or timezone.now()
    credits = contract_credits(contract=contract)
    late = 0
    if party == Contract.Party.STUDENT:
        open_sessions = CoachingSession.objects.filter(
            contract=contract, status=CoachingSession.Status.SCHEDULED
        ).select_related("appointment", "contract")
        late = sum(
            session_cancel_status(session=s, party=party, now=now) == CoachingSession.Status.CANCELED_LATE
            for s in open_sessions
        )
    used = min(credits.used + late, contract.sessions_count)
    line = order_line_for_item(kind=CONTRACT_KIND, ref=str(contract.pk))
    if line is None:
        return ContractCancelQuote(
            0, contract.currency, 0, contract.sessions_count, used, late, EXPLAIN_UNPAID, None, None
        )
    paid = line.total_amount
    left = refundable_by_line(order=line.order).get(line.pk, 0)
    amount = prorata_refund(paid=paid, sessions=contract.sessions_count, used=used, already_refunded=paid - left)
    label = format_money(amount, line.order.currency)
    if party == Contract.Party.STUDENT:
        explanation = EXPLAIN_STUDENT.format(
            used=used,
            sessions=contract.sessions_count,
            late=EXPLAIN_LATE.format(count=late) if late else "",
            unused=contract.sessions_count - used,
            amount=label,
        )
    else:
        explanation = EXPLAIN_RETURNED.format(
            party=party, unused=contract.sessions_count - used, sessions=contract.sessions_count, amount=label
        )
    return ContractCancelQuote(
        amount, line.order.currency, paid, contract.sessions_count, used, late, explanation, line.order, line.pk
    )


def contract_cancel(
    *,
    contract: Contract,
    party: str,
    actor,
    reason: str = "",
    now: datetime | None = None,
    amount: int | None = None,
) -> tuple[Contract, str]:
    """End the contract now, by its student, its coach or staff, and refund what `contract_cancel_quote` says.

    Staff need the `coaching.cancel_contract` permission and a reason; they alone may pass `amount`
    (an override, at most what is left of the payment), and their cancellation is written to the
    staff audit log in the same transaction. In one transaction, under the contract's lock: its
    open sessions are cancelled (their time freed, both told), and the contract moves to `refunded`
    when money goes back, else `canceled`, with who, why and the amount on its timeline; both are
    e-mailed. After commit the refund is started through commerce (request key `contract-cancel:<pk>`,
    so a second click or a retry never refunds twice). A contract waiting for payment is simply
    cancelled. Raises PermissionDenied (not that party), SessionError (not cancellable, no reason,
    an override refused). Returns the contract and a sentence about the money ("" when none goes back).
    """
    now = now or timezone.now()
    if session_party(contract=contract, actor=actor) != party:
        raise PermissionDenied("You can't cancel this contract as the " + party + ".")
    if party == Contract.Party.STAFF and not reason.strip():
        raise SessionError(REASON_REQUIRED)
    if amount is not None and party != Contract.Party.STAFF:
        raise SessionError(OVERRIDE_STAFF_ONLY)
    why = reason.strip() or f"Cancelled by the {party}."
    with transaction.atomic():
        contract = contract_lock(contract)
        if contract.status == Contract.Status.PENDING_PAYMENT:
            _end(contract, Contract.Status.CANCELED, party=party, why=why, actor=actor, now=now, data={})
            if party == Contract.Party.STAFF:
                staff_action_record(actor=actor, action="contract.cancel", subject=contract, reason=why, data={})
            return contract, ""
        if contract.status != Contract.Status.ACTIVE:
            raise SessionError(NOT_CANCELABLE)
        quote = contract_cancel_quote(contract=contract, party=party, now=now)
        refund = quote.amount
        if amount is not None:
            left = refundable_by_line(order=quote.order).get(quote.line_id, 0) if quote.order else 0
            if not 0 <= amount <= left:
                raise SessionError(OVERRIDE_TOO_MUCH.format(left=format_money(left, quote.currency)))
            refund = amount
        sessions_cancel_open(contract=contract, party=party, reason=why, actor=actor, now=now)
        data = {"refund": refund, "quoted": quote.amount, "currency": quote.currency, "used": quote.used}
        status = Contract.Status.REFUNDED if refund > 0 else Contract.Status.CANCELED
        _end(contract, status, party=party, why=why, actor=actor, now=now, data=data)
        if party == Contract.Party.STAFF:
            staff_action_record(
                actor=actor,
                action="contract.cancel",
                subject=contract,
                reason=why,
                order_number=quote.order.number if quote.order else "",
                data=data,
            )
        notify_contract_ended(
            contract=contract,
            unused=quote.unused,
            refund_label=format_money(refund, quote.currency) if refund else "",
            reason=reason.strip(),
        )
    if refund == 0:
        return contract, ""
    try:
        refund_start(
            order=quote.order,
            amounts={quote.line_id: refund},
            reason=why,
            actor=actor,
            source={Contract.Party.STAFF: "staff", Contract.Party.COACH: "automatic"}.get(party, "customer"),
            request_key=f"contract-cancel:{contract.pk}",
        )
    except RefundError as exc:  # recorded and resent by send_pending_refunds, or refused and flagged for staff
        return contract, exc.message
    return contract, REFUND_ON_ITS_WAY.format(amount=format_money(refund, quote.currency))


def _end(contract: Contract, status: str, *, party: str, why: str, actor, now: datetime, data: dict) -> None:
    contract_set_status(
        contract=contract,
        status=status,
        message=why[:255],
        actor=actor,
        data={"by": party, **data},
        changes={"ended_at": now, "canceled_by": party, "cancel_reason": why[:255]},
    )


def contract_complete_if_used_up(*, contract: Contract, now: datetime | None = None) -> bool:
    """Complete an active contract whose every credit is used; both are told. Call with the contract locked."""
    if contract.status != Contract.Status.ACTIVE:
        return False
    credits = contract_credits(contract=contract)
    if credits.used < credits.total:
        return False
    contract_set_status(
        contract=contract,
        status=Contract.Status.COMPLETED,
        message=f"All {credits.total} sessions used: the contract is complete.",
        changes={"ended_at": now or timezone.now()},
    )
    notify_contract_ended(contract=contract, unused=0)
    return True


def contracts_end_due(*, now: datetime | None = None) -> int:
    """Complete every active contract whose end date has passed; their unused credits expire. Returns how many.

    Each contract is locked and checked again, so running it twice (or with a cancellation racing it)
    ends a contract once. Sessions still scheduled before the end stay: they were booked in time and
    the coach marks them when they have taken place.
    """
    now = now or timezone.now()
    due = Contract.objects.filter(status=Contract.Status.ACTIVE, ends_at__lte=now).values_list("pk", flat=True)
    ended = 0
    for pk in list(due):
        with transaction.atomic():
            contract = contract_lock(Contract(pk=pk))
            if contract.status != Contract.Status.ACTIVE or contract.ends_at > now:
                continue
            credits = contract_credits(contract=contract)
            expired = credits.available
            contract_set_status(
                contract=contract,
                status=Contract.Status.COMPLETED,
                message=f"Reached its end date: {expired} unused session{'s' if expired != 1 else ''} expired.",
                data={"expired": expired},
                changes={"ended_at": now},
            )
            notify_contract_ended(contract=contract, unused=expired)
        ended += 1
    return ended


def contracts_warn_expiring(*, now: datetime | None = None) -> int:
    """Tell both people of each active contract ending within WARN_BEFORE that has sessions left to book.

    Once per contract: `expiry_warned_at` is stamped under the contract's lock in the transaction that
    queues the e-mails (also keyed in the outbox). Returns how many contracts were warned.
    """
    now = now or timezone.now()
    due = Contract.objects.filter(
        status=Contract.Status.ACTIVE, ends_at__gt=now, ends_at__lte=now + WARN_BEFORE, expiry_warned_at__isnull=True
    ).values_list("pk", flat=True)
    warned = 0
    for pk in list(due):
        with transaction.atomic():
            contract = contract_lock(Contract(pk=pk))
            if contract.expiry_warned_at is not None or contract.status != Contract.Status.ACTIVE:
                continue
            available = contract_credits(contract=contract).available
            if available == 0:
                continue
            Contract.objects.filter(pk=contract.pk).update(expiry_warned_at=now)
            notify_contract_expiring(contract=contract, available=available)
        warned += 1
    return warned


@dataclass(frozen=True)
class ContractsTended:
    reminded: int
    warned: int
    ended: int


def contracts_tend_due(*, now: datetime | None = None) -> ContractsTended:
    """One run of the contracts' periodic work, for `manage.py end_coaching_contracts` and its beat task alike:
    remind the sessions starting within a day, warn the contracts ending within a week, end those past their
    end date. Each step happens once per session or contract however often this runs (see each)."""
    now = now or timezone.now()
    return ContractsTended(
        reminded=sessions_remind_due(now=now), warned=contracts_warn_expiring(now=now), ended=contracts_end_due(now=now)
    )
