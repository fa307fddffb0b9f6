"""E-mails of the conversation: a new message, a proposal received (or revised), accepted, declined, withdrawn.

Every e-mail goes through the outbox with a de-duplication key naming the message or the proposal,
the event and the recipient's role, so a repeated submit sends one copy. Messages InnerWork posts
itself (no author) send nothing here: the event that posted them has its own e-mail. Call these inside
the transaction that makes the change: the e-mails commit with it and are sent after commit.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from coaching.models import Message, Proposal
from innerwork.accounts.time_zones import in_time_zone_of
from innerwork.core.emails import email_enqueue

MESSAGE_TEMPLATE = "coaching/message_new"
PROPOSAL_RECEIVED_TEMPLATE = "coaching/proposal_received"
PROPOSAL_ANSWERED_TEMPLATE = "coaching/proposal_answered"
PROPOSAL_WITHDRAWN_TEMPLATE = "coaching/proposal_withdrawn"
STUDENT, COACH = "student", "coach"


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def notify_message_posted(*, message: Message) -> None:
    """ "New message from …" to the other person of the thread; nothing for an automatic message."""
    if message.is_automatic:
        return
    inquiry = message.inquiry
    coach_user = inquiry.coach.user
    if message.author_id == coach_user.pk:
        role, recipient = STUDENT, inquiry.student
    else:
        role, recipient = COACH, coach_user
    email_enqueue(
        key=f"coaching:message:{message.pk}:{role}",
        to=[recipient.email],
        template=MESSAGE_TEMPLATE,
        context={
            "message": message,
            "author": message.author,
            "user": recipient,
            "url": _absolute(reverse("coaching:inquiry_detail", kwargs={"pk": inquiry.pk})),
        },
    )


def _proposal_context(proposal: Proposal, recipient) -> dict:
    return {
        "proposal": proposal,
        "coach": proposal.coach,
        "student": proposal.student,
        "user": recipient,
        "url": _absolute(reverse("coaching:proposal_detail", kwargs={"number": proposal.number})),
    }


def _proposal_email(*, proposal: Proposal, event: str, role: str, template: str) -> None:
    """One e-mail about the proposal to its student or coach, its dates in the recipient's own zone."""
    recipient = proposal.student if role == STUDENT else proposal.coach.user
    with in_time_zone_of(recipient):
        email_enqueue(
            key=f"coaching:proposal:{proposal.pk}:{event}:{role}",
            to=[recipient.email],
            template=template,
            context=_proposal_context(proposal, recipient),
        )


def notify_proposal_sent(*, proposal: Proposal) -> None:
    """The proposal (or its revision: `proposal.supersedes`) to the student, with its terms and expiry."""
    _proposal_email(proposal=proposal, event="sent", role=STUDENT, template=PROPOSAL_RECEIVED_TEMPLATE)


def notify_proposal_answered(*, proposal: Proposal) -> None:
    """The student's answer (accepted: now waiting for payment; declined) to the coach; once per proposal."""
    _proposal_email(proposal=proposal, event=str(proposal.status), role=COACH, template=PROPOSAL_ANSWERED_TEMPLATE)


def notify_proposal_withdrawn(*, proposal: Proposal) -> None:
    """The coach took the proposal back: the student is told it can no longer be accepted."""
    _proposal_email(proposal=proposal, event="withdrawn", role=STUDENT, template=PROPOSAL_WITHDRAWN_TEMPLATE)
