"""E-mails about paying for a contract: "payment received" to its student (book your first session) and its coach.

Each goes through the outbox with a key naming the contract, the event and the recipient's role, so a
replayed fulfilment sends one copy. Dates are shown in each recipient's own time zone. Call these
inside the transaction that makes the change: the e-mails commit with it and are sent after commit.
"""

from __future__ import annotations

from django.urls import reverse

from coaching.models import Contract
from innerwork.core.emails import email_enqueue

PAID_TEMPLATE = "coaching/contract_paid"
STUDENT, COACH = "student", "coach"


def _zone_of(user) -> str:
    return getattr(user, "time_zone", "") or "UTC"


def notify_contract_paid(*, contract: Contract, order) -> None:
    """ "You are all set: book your first session" to the student; "payment received" to the coach."""
    coach_user = contract.coach.user
    path = reverse("coaching:contract_detail", kwargs={"number": contract.number})
    for role, recipient, other in ((STUDENT, contract.student, coach_user), (COACH, coach_user, contract.student)):
        email_enqueue(
            key=f"contract:{contract.pk}:paid:{role}",
            to=[recipient.email],
            template=PAID_TEMPLATE,
            context={
                "contract": contract,
                "order": order,
                "role": role,
                "user": recipient,
                "other": other,
                "zone": _zone_of(recipient),
                "path": path,
            },
        )
