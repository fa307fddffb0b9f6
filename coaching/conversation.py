"""The conversation between a student and a coach: the inquiry thread, its messages, and the coach's proposals.

    inquiry_start ─ message_post ─ proposal_send ─┬─ proposal_accept → Contract (pending_payment)
                                                  ├─ proposal_decline
                                                  ├─ proposal_withdraw
                                                  ├─ proposal_revise → a new proposal; the old one superseded
                                                  └─ (expires_at passes) → expired

Locks: every writer of a thread's proposals locks the inquiry row first, then the proposal row, so
two answers to one proposal (accept from two tabs, accept against withdraw or revise) are decided
one after the other: the first wins and the second is refused, or, for a repeated accept by the
same student, finds the contract the first made. Messages lock nothing but update the thread's
`last_message_at` after the inquiry row lock of any concurrent proposal writer.

A proposal is never edited: a revision supersedes it. Accepting copies its terms onto the contract
and records them as accepted (`accepted_terms`), so whatever the coach changes later, the contract
charges and pro-rates what the student saw. Prices come from the coach's proposal, never from the
student's browser. E-mails are queued in the same transaction (coaching.notifications).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TypeVar

from django.db import transaction
from django.utils import timezone

from coaching.models import CONTRACT_KIND, CoachProfile, Contract, Inquiry, Message, Proposal, Terms
from coaching.notifications import (
    notify_message_posted,
    notify_proposal_answered,
    notify_proposal_sent,
    notify_proposal_withdrawn,
)
from coaching.status import contract_event_add, proposal_set_status
from commerce.checkout import order_create_for_item
from innerwork.core.exceptions import UserFacingError

MESSAGE_MAX_CHARS = 5000
PROPOSAL_MAX_DAYS_OPEN = 60
T = TypeVar("T")

NOT_LISTED = "This coach is not taking new clients right now."
OWN_COACH = "You can't ask yourself for a proposal."
EMPTY_MESSAGE = "Write something first."
MESSAGE_TOO_LONG = f"Please keep it under {MESSAGE_MAX_CHARS} characters."
NOT_IN_THREAD = "Only the student and the coach of this conversation can write in it."
ONLY_COACH = "Only the coach of this conversation can send, revise or withdraw its proposals."
ONLY_STUDENT = "Only the person this proposal was made for can answer it."
ALREADY_OPEN = "This conversation already has an open proposal: revise or withdraw it instead."
EXPIRY_RANGE = f"A proposal stays open from one hour to {PROPOSAL_MAX_DAYS_OPEN} days."
NOT_OPEN = "This proposal is no longer open ({status}): it can't be {action}."
PROPOSAL_EXPIRED = "This proposal expired on {when:%d %b %Y, %H:%M} UTC. Ask the coach for a new one."
COACH_UNAVAILABLE = "This coach is not taking clients any more, so the proposal can't be accepted."

AUTO_PROPOSAL_SENT = "{coach} sent a proposal: {title}."
AUTO_PROPOSAL_REVISED = "{coach} revised the proposal: {title}. The earlier version can no longer be accepted."
AUTO_PROPOSAL_WITHDRAWN = "{coach} withdrew the proposal: {title}."
AUTO_PROPOSAL_DECLINED = "{student} declined the proposal: {title}."
AUTO_PROPOSAL_ACCEPTED = "{student} accepted the proposal: {title}. Contract {contract} is waiting for payment."


class ConversationError(UserFacingError):
    """A conversation action refused; `message` is shown to the person as it is."""


def _name(user) -> str:
    return user.get_full_name() or user.email


def _clean_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise ConversationError(EMPTY_MESSAGE)
    if len(body) > MESSAGE_MAX_CHARS:
        raise ConversationError(MESSAGE_TOO_LONG)
    return body


def _message_create(*, inquiry: Inquiry, author, body: str, now: datetime) -> Message:
    message = Message.objects.create(inquiry=inquiry, author=author, body=body, created_at=now)
    Inquiry.objects.filter(pk=inquiry.pk).update(last_message_at=now)
    inquiry.last_message_at = now
    return message


# --- The thread ---------------------------------------------------------------------------------------------


def inquiry_start(*, coach: CoachProfile, student, goals: str, now: datetime | None = None) -> Inquiry:
    """A student asks an approved coach for a proposal: their goals open the thread (or, when the two already
    have one, are written in it as a new message), and the coach is e-mailed.

    One thread per (coach, student), whatever the number of concurrent submits (the unique constraint
    decides; get_or_create finds the winner's thread).
    """
    now = now or timezone.now()
    if coach.status != CoachProfile.Status.APPROVED:
        raise ConversationError(NOT_LISTED)
    if coach.user_id == student.pk:
        raise ConversationError(OWN_COACH)
    goals = _clean_body(goals)
    with transaction.atomic():
        inquiry, _created = Inquiry.objects.get_or_create(
            coach=coach, student=student, defaults={"goals": goals, "last_message_at": now}
        )
        message = _message_create(inquiry=inquiry, author=student, body=goals, now=now)
        notify_message_posted(message=message)
    return inquiry


def message_post(*, inquiry: Inquiry, author, body: str, now: datetime | None = None) -> Message:
    """The student or the coach writes in the thread; the other one is e-mailed (one e-mail per message)."""
    if author is None or author.pk not in (inquiry.student_id, inquiry.coach.user_id):
        raise ConversationError(NOT_IN_THREAD)
    body = _clean_body(body)
    with transaction.atomic():
        message = _message_create(inquiry=inquiry, author=author, body=body, now=now or timezone.now())
        notify_message_posted(message=message)
    return message


def message_post_automatic(*, inquiry: Inquiry, body: str, now: datetime | None = None) -> Message:
    """InnerWork writes in the thread (a proposal sent, a contract paid): no author, no e-mail of its own."""
    with transaction.atomic():
        return _message_create(inquiry=inquiry, author=None, body=body, now=now or timezone.now())


# --- Proposals ----------------------------------------------------------------------------------------------


def _check_coach(*, inquiry: Inquiry, actor) -> None:
    if actor is None or actor.pk != inquiry.coach.user_id:
        raise ConversationError(ONLY_COACH)
    if inquiry.coach.status != CoachProfile.Status.APPROVED:
        raise ConversationError(NOT_LISTED)


def _check_expiry(*, expires_at: datetime, now: datetime) -> None:
    if not timedelta(hours=1) <= expires_at - now <= timedelta(days=PROPOSAL_MAX_DAYS_OPEN):
        raise ConversationError(EXPIRY_RANGE)


def _lock(proposal: Proposal) -> tuple[Inquiry, Proposal]:
    """Lock the thread, then the proposal (always in this order: see the module docstring)."""
    inquiry = Inquiry.objects.select_for_update().select_related("coach__user", "student").get(pk=proposal.inquiry_id)
    locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
    locked.inquiry, locked.coach, locked.student = inquiry, inquiry.coach, inquiry.student
    return inquiry, locked


def _is_past_expiry(proposal: Proposal, now: datetime) -> bool:
    return proposal.status == Proposal.Status.SENT and proposal.expires_at <= now


def _proposal_create(
    *, inquiry: Inquiry, terms: dict, expires_at: datetime, now: datetime, supersedes: Proposal | None = None
) -> Proposal:
    _check_expiry(expires_at=expires_at, now=now)
    proposal = Proposal(
        inquiry=inquiry,
        coach=inquiry.coach,
        student=inquiry.student,
        expires_at=expires_at,
        supersedes=supersedes,
        **{name: terms[name] for name in Terms.TERMS_FIELDS},
    )
    proposal.full_clean(exclude=["inquiry", "coach", "student", "supersedes"])
    proposal.save()
    return proposal


def proposal_send(
    *, inquiry: Inquiry, actor, terms: dict, expires_at: datetime, now: datetime | None = None
) -> Proposal:
    """The coach sends the thread's proposal (`terms`: every Terms field). One open proposal per thread: an
    open one must be revised or withdrawn instead (an open one already past its expiry is expired first).

    Raises ConversationError for someone other than the thread's approved coach, ValidationError for
    terms the model refuses (sessions 1-52, price above zero, validity 1-104 weeks, a length offered).
    Locks the inquiry row. The student is e-mailed.
    """
    now = now or timezone.now()
    _check_coach(inquiry=inquiry, actor=actor)
    with transaction.atomic():
        inquiry = Inquiry.objects.select_for_update().select_related("coach__user", "student").get(pk=inquiry.pk)
        open_proposal = inquiry.proposals.select_for_update().filter(status=Proposal.Status.SENT).first()
        if open_proposal is not None:
            if not _is_past_expiry(open_proposal, now):
                raise ConversationError(ALREADY_OPEN)
            proposal_set_status(proposal=open_proposal, status=Proposal.Status.EXPIRED)
        proposal = _proposal_create(inquiry=inquiry, terms=terms, expires_at=expires_at, now=now)
        _message_create(
            inquiry=inquiry,
            author=None,
            body=AUTO_PROPOSAL_SENT.format(coach=inquiry.coach, title=proposal.title),
            now=now,
        )
        notify_proposal_sent(proposal=proposal)
    return proposal


def _answer(
    *,
    proposal: Proposal,
    action: str,
    now: datetime,
    apply: Callable[[Inquiry, Proposal], T],
    repeated: Callable[[Proposal], T | None] | None = None,
) -> T:
    """Lock the thread then the proposal and return `apply(inquiry, locked)` for an open proposal.

    A proposal already decided is refused (NOT_OPEN), unless `repeated(locked)` recognises the same
    answer given again and returns its result. One past its expiry is expired, and that is committed
    before the answer is refused (PROPOSAL_EXPIRED), so a late answer leaves it expired.
    """
    with transaction.atomic():
        inquiry, locked = _lock(proposal)
        again = repeated(locked) if repeated is not None else None
        if again is not None:
            return again
        if locked.status != Proposal.Status.SENT:
            raise ConversationError(NOT_OPEN.format(status=locked.get_status_display().lower(), action=action))
        if not _is_past_expiry(locked, now):
            return apply(inquiry, locked)
        proposal_set_status(proposal=locked, status=Proposal.Status.EXPIRED, reason="answered after its expiry")
    raise ConversationError(PROPOSAL_EXPIRED.format(when=locked.expires_at))


def _decide(*, inquiry: Inquiry, proposal: Proposal, status: str, actor, note: str, now: datetime) -> None:
    """Move the locked proposal to `status` and say so in the thread (an automatic message)."""
    proposal_set_status(proposal=proposal, status=status, actor=actor)
    _message_create(inquiry=inquiry, author=None, body=note, now=now)


def proposal_revise(
    *, proposal: Proposal, actor, terms: dict, expires_at: datetime, now: datetime | None = None
) -> Proposal:
    """The coach replaces an open proposal with new terms: the old one is superseded (never edited) and a new
    one, pointing at it, is sent. Locks the thread then the proposal; refused once the proposal is decided
    or expired. The student is e-mailed the revision."""
    now = now or timezone.now()
    _check_coach(inquiry=proposal.inquiry, actor=actor)

    def revise(inquiry: Inquiry, locked: Proposal) -> Proposal:
        proposal_set_status(proposal=locked, status=Proposal.Status.SUPERSEDED, actor=actor)
        revision = _proposal_create(inquiry=inquiry, terms=terms, expires_at=expires_at, now=now, supersedes=locked)
        note = AUTO_PROPOSAL_REVISED.format(coach=inquiry.coach, title=revision.title)
        _message_create(inquiry=inquiry, author=None, body=note, now=now)
        notify_proposal_sent(proposal=revision)
        return revision

    return _answer(proposal=proposal, action="revised", now=now, apply=revise)


def proposal_withdraw(*, proposal: Proposal, actor, now: datetime | None = None) -> Proposal:
    """The coach takes an open proposal back; the student is e-mailed. Locks the thread then the proposal."""
    now = now or timezone.now()
    if actor is None or actor.pk != proposal.coach.user_id:
        raise ConversationError(ONLY_COACH)

    def withdraw(inquiry: Inquiry, locked: Proposal) -> Proposal:
        note = AUTO_PROPOSAL_WITHDRAWN.format(coach=inquiry.coach, title=locked.title)
        _decide(inquiry=inquiry, proposal=locked, status=Proposal.Status.WITHDRAWN, actor=actor, note=note, now=now)
        notify_proposal_withdrawn(proposal=locked)
        return locked

    return _answer(proposal=proposal, action="withdrawn", now=now, apply=withdraw)


def proposal_decline(*, proposal: Proposal, student, now: datetime | None = None) -> Proposal:
    """The student says no to an open proposal; the coach is e-mailed. Locks the thread then the proposal."""
    now = now or timezone.now()
    if student is None or student.pk != proposal.student_id:
        raise ConversationError(ONLY_STUDENT)

    def decline(inquiry: Inquiry, locked: Proposal) -> Proposal:
        note = AUTO_PROPOSAL_DECLINED.format(student=_name(student), title=locked.title)
        _decide(inquiry=inquiry, proposal=locked, status=Proposal.Status.DECLINED, actor=student, note=note, now=now)
        notify_proposal_answered(proposal=locked)
        return locked

    return _answer(proposal=proposal, action="declined", now=now, apply=decline)


def proposal_accept(*, proposal: Proposal, student, now: datetime | None = None, partner=None) -> Contract:
    """The student accepts an open proposal: its terms are frozen into a contract waiting for payment.

    The contract copies the proposal's terms and records them as accepted (`accepted_terms`, `accepted_at`);
    its timeline starts with the acceptance; the thread says so and the coach is e-mailed. Idempotent for
    the student: accepting an accepted proposal again returns its contract. Refused for anyone else, once
    the proposal is declined, withdrawn, superseded or expired (a late answer expires it), and while the
    coach is not approved. Locks the thread then the proposal, so two tabs make one contract.

    Accepted through a partner's API (`partner`), the contract's order is placed for that partner in the same
    transaction: the contract is the partner's (it sees it and checks it out), and only when this call made it,
    so accepting again through another partner gains that partner nothing.
    """
    now = now or timezone.now()
    if student is None or student.pk != proposal.student_id:
        raise ConversationError(ONLY_STUDENT)

    def accept(inquiry: Inquiry, locked: Proposal) -> Contract:
        if inquiry.coach.status != CoachProfile.Status.APPROVED:
            raise ConversationError(COACH_UNAVAILABLE)
        terms = locked.terms()
        # Created in its first status (the model's default, pending_payment): status.py's door moves it on.
        contract = Contract.objects.create(
            proposal=locked,
            coach=inquiry.coach,
            student=student,
            accepted_terms=terms,
            accepted_at=now,
            **terms,
        )
        note = AUTO_PROPOSAL_ACCEPTED.format(student=_name(student), title=locked.title, contract=contract.number)
        _decide(inquiry=inquiry, proposal=locked, status=Proposal.Status.ACCEPTED, actor=student, note=note, now=now)
        contract_event_add(
            contract=contract,
            type="accepted",
            message=f"Proposal {locked.number} accepted; waiting for payment.",
            data={"proposal": locked.number, "terms": terms},
            actor=student,
        )
        notify_proposal_answered(proposal=locked)
        if partner is not None:
            order_create_for_item(user=student, kind=CONTRACT_KIND, ref=str(contract.pk), partner=partner)
        return contract

    def accepted_before(locked: Proposal) -> Contract | None:
        # A second click, or a second tab: the contract the first one made (read under the same locks).
        return Contract.objects.get(proposal=locked) if locked.status == Proposal.Status.ACCEPTED else None

    return _answer(proposal=proposal, action="accepted", now=now, apply=accept, repeated=accepted_before)


def proposals_expire_due(*, now: datetime | None = None) -> int:
    """Expire every open proposal past its expiry (for a periodic job); returns how many. Safe to run twice
    or alongside an answer: each proposal is locked and re-checked before it moves."""
    now = now or timezone.now()
    expired = 0
    for proposal in Proposal.objects.filter(status=Proposal.Status.SENT, expires_at__lte=now).only("pk", "inquiry_id"):
        with transaction.atomic():
            _inquiry, locked = _lock(proposal)
            if _is_past_expiry(locked, now):
                proposal_set_status(proposal=locked, status=Proposal.Status.EXPIRED, reason="no answer before expiry")
                expired += 1
    return expired
