"""Reads of the conversation: listed coaches, a thread or proposal for the person looking, the coach's area.

Every lookup of a thread, proposal or contract is made with its viewer, so another person's is a
DoesNotExist (a 404 in the views), never a 403 that would confirm it exists.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Prefetch, Q, QuerySet

from coaching.models import CoachProfile, Contract, Inquiry, Message, Proposal, Specialty

COACH_AREA_STATUSES = CoachProfile.AREA_STATUSES


def coaches_listed(*, specialty: str = "", language: str = "") -> QuerySet[CoachProfile]:
    """Approved coaches with their user, specialties and packages loaded (a constant number of queries).
    `specialty` is a Specialty slug, `language` an ISO 639-1 code; empty values filter nothing."""
    coaches = CoachProfile.objects.filter(status=CoachProfile.Status.APPROVED)
    if specialty:
        coaches = coaches.filter(specialties__slug=specialty)
    if language:
        coaches = coaches.filter(languages__contains=[language])
    return coaches.select_related("user").prefetch_related("specialties", "packages").distinct()


def coach_listed(*, slug: str) -> CoachProfile:
    """The approved coach with this slug; CoachProfile.DoesNotExist otherwise (pending and deactivated too)."""
    return coaches_listed().get(slug=slug)


def specialties_listed() -> QuerySet[Specialty]:
    """Specialties at least one approved coach has, for the list's filter."""
    return Specialty.objects.filter(coaches__status=CoachProfile.Status.APPROVED).distinct()


def languages_listed() -> list[str]:
    """ISO 639-1 codes at least one approved coach speaks, sorted."""
    codes = CoachProfile.objects.filter(status=CoachProfile.Status.APPROVED).values_list("languages", flat=True)
    return sorted({code for languages in codes for code in languages})


def inquiry_between(*, coach: CoachProfile, student) -> Inquiry | None:
    """The thread of this student with this coach, if they have one (the coach's page links to it)."""
    if not getattr(student, "is_authenticated", False):
        return None
    return Inquiry.objects.filter(coach=coach, student=student).first()


def inquiry_for_viewer(*, user, pk: int) -> Inquiry:
    """The thread `pk` with its messages (authors loaded) and proposals, if `user` is its student or its coach;
    Inquiry.DoesNotExist for anyone else."""
    return (
        Inquiry.objects.filter(pk=pk)
        .filter(Q(student=user) | Q(coach__user=user))
        .select_related("coach__user", "student")
        .prefetch_related(
            Prefetch("messages", queryset=Message.objects.select_related("author")),
            Prefetch("proposals", queryset=Proposal.objects.select_related("contract")),
        )
        .get()
    )


def inquiries_of_student(*, student) -> QuerySet[Inquiry]:
    """The student's threads, latest activity first, with the coach and any open proposal."""
    return (
        Inquiry.objects.filter(student=student)
        .select_related("coach__user")
        .prefetch_related(Prefetch("proposals", queryset=Proposal.objects.filter(status=Proposal.Status.SENT)))
    )


def proposal_for_viewer(*, user, number: str) -> Proposal:
    """The proposal `number` if `user` is its student or its coach; Proposal.DoesNotExist for anyone else."""
    return (
        Proposal.objects.filter(number=number)
        .filter(Q(student=user) | Q(coach__user=user))
        .select_related("coach__user", "student", "inquiry", "supersedes")
        .get()
    )


def proposal_contract(*, proposal: Proposal) -> Contract | None:
    """The contract an accepted proposal became; None otherwise."""
    return Contract.objects.filter(proposal=proposal).first()


def proposal_is_open(*, proposal: Proposal, now: datetime) -> bool:
    """Whether the proposal can still be answered: sent and not past its expiry (a late answer expires it)."""
    return proposal.status == Proposal.Status.SENT and proposal.expires_at > now


def proposal_history(*, proposal: Proposal) -> list[Proposal]:
    """The versions this proposal revised, newest first (one query per version; revisions are few)."""
    versions = []
    current = proposal.supersedes
    while current is not None:
        versions.append(current)
        current = current.supersedes
    return versions


# --- The coach's own area -----------------------------------------------------------------------------------


def coach_profile_for_area(*, user) -> CoachProfile | None:
    """The user's coach profile when it may use the coach area (approved or waiting for approval), else None."""
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        CoachProfile.objects.filter(user=user, status__in=COACH_AREA_STATUSES)
        .select_related("user")
        .prefetch_related("specialties")
        .first()
    )


def coach_has_area(*, user) -> bool:
    """Whether the user has a coach area to link to (one EXISTS query; none for anonymous visitors)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return CoachProfile.objects.filter(user=user, status__in=COACH_AREA_STATUSES).exists()


@dataclass(frozen=True)
class CoachArea:
    """What the coach area's overview lists: threads (with whether they wait for the coach), proposals
    waiting for an answer, and contracts by status."""

    inquiries: list[Inquiry]
    open_proposals: list[Proposal]
    contracts: list[Contract]

    @property
    def waiting_for_proposal(self) -> list[Inquiry]:
        return [inquiry for inquiry in self.inquiries if not inquiry.proposals.all()]


def coach_area(*, coach: CoachProfile) -> CoachArea:
    """The coach's threads, open proposals and contracts (four queries whatever their number)."""
    inquiries = list(
        Inquiry.objects.filter(coach=coach)
        .select_related("student")
        .prefetch_related("proposals")
        .order_by("-last_message_at", "-id")
    )
    open_proposals = list(
        Proposal.objects.filter(coach=coach, status=Proposal.Status.SENT)
        .select_related("student")
        .order_by("expires_at")
    )
    contracts = list(Contract.objects.filter(coach=coach).select_related("student").order_by("-created_at", "-id"))
    return CoachArea(inquiries=inquiries, open_proposals=open_proposals, contracts=contracts)
