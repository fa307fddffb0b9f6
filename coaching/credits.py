"""A contract's session credits: how many are left, what a used one is worth, the ledger both sides see.

A contract has `sessions_count` credits. A scheduled session reserves one; a completed, no-show or
late-cancelled session uses one; a session cancelled in time gives its credit back; credits still
unused when the contract ends expire. The price is split evenly over the credits in integer minor
units (largest remainder: the first `price % sessions` credits carry one unit more), so the
credits always add up to exactly what was paid.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q

from coaching.models import CoachingSession, Contract


@dataclass(frozen=True)
class Credits:
    total: int
    scheduled: int
    used: int

    @property
    def available(self) -> int:
        """Credits that can still be booked."""
        return max(self.total - self.scheduled - self.used, 0)

    @property
    def unused(self) -> int:
        """Credits not used yet (available or reserved by a scheduled session)."""
        return max(self.total - self.used, 0)


def contract_credits(*, contract: Contract) -> Credits:
    """The contract's credits from its sessions, in one query."""
    counts = CoachingSession.objects.filter(contract=contract).aggregate(
        scheduled=Count("pk", filter=Q(status=CoachingSession.Status.SCHEDULED)),
        used=Count("pk", filter=Q(status__in=CoachingSession.USES_CREDIT)),
    )
    return Credits(total=contract.sessions_count, scheduled=counts["scheduled"], used=counts["used"])


def credit_values(*, paid: int, sessions: int) -> list[int]:
    """`paid` split over `sessions` credits in integer minor units, summing exactly to `paid`."""
    if sessions < 1 or paid < 0:
        raise ValueError("a contract has at least one session and a paid amount of zero or more")
    base, extra = divmod(paid, sessions)
    return [base + 1] * extra + [base] * (sessions - extra)


def prorata_refund(*, paid: int, sessions: int, used: int, already_refunded: int = 0) -> int:
    """What comes back when a contract ends early: `paid − used × (paid ÷ sessions)`, never below zero,
    never more than what is left of the payment."""
    if not 0 <= used <= sessions:
        raise ValueError(f"used must be between 0 and {sessions}")
    values = credit_values(paid=paid, sessions=sessions)
    owed = paid - sum(values[:used])
    return max(min(owed, paid - already_refunded), 0)
