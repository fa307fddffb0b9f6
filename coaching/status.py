"""The one door of each coaching status: coaches, proposals, contracts and sessions.

Each door checks the model's TRANSITIONS through innerwork.core.status.status_move (one guarded
UPDATE and one StatusChange row, in the caller's transaction) and says what the move means: a
timestamp, the contract's timeline. Nothing else writes these statuses. Callers that can race
lock the row first (select_for_update), as each door's docstring says.
"""

from __future__ import annotations

from django.utils import timezone

from coaching.contract_objects import contract_object
from coaching.models import CONTRACT_KIND, CoachingSession, CoachProfile, Contract, ContractEvent, Proposal
from commerce.orders import partner_ids_for_item
from innerwork.api.events import partner_event_for_partners
from innerwork.core.status import approved_profile_set_status, status_move

CONTRACT_STATUS_MESSAGES = {
    Contract.Status.PENDING_PAYMENT: "Waiting for payment.",
    Contract.Status.ACTIVE: "Paid: the contract is active.",
    Contract.Status.COMPLETED: "Completed.",
    Contract.Status.CANCELED: "Cancelled.",
    Contract.Status.REFUNDED: "Refunded.",
}


def coach_set_status(*, coach: CoachProfile, status: str, actor=None, reason: str = "") -> bool:
    """Move a coach profile to `status`; APPROVED stamps `approved_at` the first time. Lock the row first."""
    return approved_profile_set_status(coach, status, actor=actor, reason=reason)


def proposal_set_status(*, proposal: Proposal, status: str, actor=None, reason: str = "") -> bool:
    """Move a proposal out of `sent`; every answer stamps `decided_at`. Lock the row first."""
    return status_move(proposal, status, changes={"decided_at": timezone.now()}, actor=actor, reason=reason)


def contract_event_add(
    *, contract: Contract, type: str, message: str, data: dict | None = None, actor=None
) -> ContractEvent:
    """Append one entry to the contract's timeline (a status move, a payment, a session, a staff note)."""
    return ContractEvent.objects.create(contract=contract, type=type, message=message, data=data or {}, actor=actor)


def contract_set_status(
    *, contract: Contract, status: str, message: str = "", actor=None, data: dict | None = None, changes=None
) -> bool:
    """Move the contract to `status` if Contract.TRANSITIONS allows it, and put the move on its timeline.

    Raises StatusTransitionError for a move the map refuses. Call it with the contract row locked.
    Activation and every end (completed, cancelled, refunded) are told to the partner the contract was made
    through (its order's; none when accepted and paid on the site), as `contract.activated` and
    `contract.ended`, in the same transaction, once per contract.
    """
    status_move(contract, status, changes=changes, actor=actor, reason=message)
    contract_event_add(
        contract=contract,
        type=str(status),
        message=message or CONTRACT_STATUS_MESSAGES[Contract.Status(status)],
        data=data,
        actor=actor,
    )
    partner_type = PARTNER_EVENTS.get(Contract.Status(status))
    if partner_type:
        partner_event_for_partners(
            partner_ids=partner_ids_for_item(kind=CONTRACT_KIND, ref=contract.pk),
            user=contract.student,
            type=partner_type,
            render=lambda partner: contract_object(contract=contract, partner=partner),
            key=f"{partner_type}:{contract.pk}",
        )
    return True


# What a partner hears of a contract's moves; `pending_payment` is the start, not news.
PARTNER_EVENTS = {
    Contract.Status.ACTIVE: "contract.activated",
    Contract.Status.COMPLETED: "contract.ended",
    Contract.Status.CANCELED: "contract.ended",
    Contract.Status.REFUNDED: "contract.ended",
}


def session_set_status(*, session: CoachingSession, status: str, actor=None, reason: str = "", changes=None) -> bool:
    """Move a contract's session to `status` (completed, no-show, cancelled late or in time). Lock the row first."""
    return status_move(session, status, changes=changes, actor=actor, reason=reason)
