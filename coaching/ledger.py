"""Reads: a contract's ledger of session credits (what both sides see), and finding a contract or session
for the person looking at it (its student or its coach; anyone else gets DoesNotExist, a 404).

The ledger has one entry per credit, in this order: the sessions that used one (completed, no-show,
cancelled late), the sessions booked, then the credits not used — available while the contract is
active, expired when it reached its end date, cancelled with the contract (the student's refund pays
them back). Sessions cancelled in time are listed apart: their credit came back and is among the
unused. Each used credit carries its value (credits.credit_values: the price split in integer minor
units), so the entries add up to the price.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q

from coaching.credits import Credits, credit_values
from coaching.models import CoachingSession, Contract


class Entry:
    """The kinds of ledger entry, as the page and tests name them."""

    COMPLETED = "completed"
    NO_SHOW = "no_show"
    CANCELED_LATE = "canceled_late"
    BOOKED = "booked"
    AVAILABLE = "available"
    EXPIRED = "expired"
    CANCELED = "canceled"
    LABELS = {
        COMPLETED: "Completed",
        NO_SHOW: "No-show (used)",
        CANCELED_LATE: "Cancelled late (used)",
        BOOKED: "Booked",
        AVAILABLE: "Available to book",
        EXPIRED: "Expired unused",
        CANCELED: "Not used: contract cancelled",
    }


@dataclass(frozen=True)
class LedgerEntry:
    number: int
    kind: str
    session: CoachingSession | None
    value: int

    @property
    def label(self) -> str:
        return Entry.LABELS[self.kind]

    @property
    def at(self) -> datetime | None:
        return self.session.appointment.start_at if self.session else None


@dataclass(frozen=True)
class Ledger:
    contract: Contract
    credits: Credits
    entries: list[LedgerEntry]
    returned: list[CoachingSession]

    def count(self, kind: str) -> int:
        return sum(entry.kind == kind for entry in self.entries)

    @property
    def counts(self) -> dict[str, int]:
        """Entries per kind (every kind present, zero included), plus "returned" (cancelled in time)."""
        counts = {kind: self.count(kind) for kind in Entry.LABELS}
        counts["returned"] = len(self.returned)
        return counts


def _unused_kind(contract: Contract) -> str:
    if contract.status in (Contract.Status.CANCELED, Contract.Status.REFUNDED):
        return Entry.CANCELED
    if contract.status == Contract.Status.COMPLETED:
        return Entry.EXPIRED
    return Entry.AVAILABLE


def contract_ledger(*, contract: Contract) -> Ledger:
    """The contract's ledger: one entry per credit (see the module docstring). One query."""
    sessions = list(
        CoachingSession.objects.filter(contract=contract)
        .select_related("appointment")
        .order_by("appointment__start_at", "pk")
    )
    used = [s for s in sessions if s.status in CoachingSession.USES_CREDIT]
    booked = [s for s in sessions if s.status == CoachingSession.Status.SCHEDULED]
    returned = [s for s in sessions if s.status == CoachingSession.Status.CANCELED_IN_TIME]
    values = credit_values(paid=contract.price_amount, sessions=contract.sessions_count)
    entries = [
        LedgerEntry(number=n, kind=str(session.status), session=session, value=values[n - 1])
        for n, session in enumerate(used, start=1)
    ]
    entries += [
        LedgerEntry(number=len(entries) + n, kind=Entry.BOOKED, session=session, value=0)
        for n, session in enumerate(booked, start=1)
    ]
    unused_kind = _unused_kind(contract)
    entries += [
        LedgerEntry(number=n, kind=unused_kind, session=None, value=0)
        for n in range(len(entries) + 1, contract.sessions_count + 1)
    ]
    credits = Credits(total=contract.sessions_count, scheduled=len(booked), used=len(used))
    return Ledger(contract=contract, credits=credits, entries=entries, returned=returned)


def contract_for_party(*, user, number: str) -> Contract:
    """The contract `number` if `user` is its student or its coach; Contract.DoesNotExist for anyone else."""
    if not user.is_authenticated:
        raise Contract.DoesNotExist(number)
    return (
        Contract.objects.filter(number=number)
        .filter(Q(student=user) | Q(coach__user=user))
        .select_related("coach__user", "student")
        .get()
    )


def session_for_party(*, user, number: str, pk: int) -> CoachingSession:
    """Session `pk` of contract `number` if `user` is the contract's student or coach; DoesNotExist otherwise."""
    contract = contract_for_party(user=user, number=number)
    return (
        CoachingSession.objects.select_related("appointment", "contract__coach__user", "contract__student")
        .filter(contract=contract)
        .get(pk=pk)
    )
