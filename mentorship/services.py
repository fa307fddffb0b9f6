"""Writes about mentors: approval by staff (one status door) and what a session of each length costs.

Prices are computed here, on the server, from the mentor's hourly rate; nothing a browser sends is
ever a price. Approval and deactivation are staff decisions: each needs the `mentorship.approve_mentor`
permission and is written to the staff audit log in the same transaction as the change.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction

from innerwork.core.audit import staff_action_record
from innerwork.core.errors import Refused
from innerwork.core.money import format_money
from innerwork.core.status import approved_profile_set_status
from mentorship.models import MentorProfile

APPROVE_PERMISSION = "mentorship.approve_mentor"
NOT_ALLOWED = "Only staff allowed to approve mentors can approve or deactivate them."
REASON_REQUIRED = "Say why: the reason is kept in the staff audit log."
LENGTH_NOT_OFFERED = "{name} does not offer {minutes}-minute sessions."


class MentorError(Refused):
    """A mentor action refused; `message` is shown to the person as it is."""


@dataclass(frozen=True)
class SessionPrice:
    """One session length a mentor offers and what it costs, in minor units of `currency`."""

    minutes: int
    amount: int
    currency: str

    @property
    def label(self) -> str:
        return f"{self.minutes} min · {format_money(self.amount, self.currency)}"


def mentor_session_price(*, mentor: MentorProfile, minutes: int) -> SessionPrice:
    """What a `minutes`-long session with `mentor` costs now: the hourly rate pro rata, rounded half up
    to the currency's minor unit. Raises MentorError when the mentor does not offer that length."""
    if minutes not in mentor.session_lengths:
        raise MentorError(LENGTH_NOT_OFFERED.format(name=mentor, minutes=minutes))
    amount = (mentor.hourly_rate_amount * minutes + 30) // 60
    return SessionPrice(minutes=minutes, amount=amount, currency=mentor.currency)


def mentor_session_prices(*, mentor: MentorProfile) -> list[SessionPrice]:
    """Every length the mentor offers with its price, shortest first."""
    return [mentor_session_price(mentor=mentor, minutes=minutes) for minutes in sorted(mentor.session_lengths)]


def mentor_set_status(*, mentor: MentorProfile, status: str, actor=None, reason: str = "") -> bool:
    """Move a mentor profile to `status` if MentorProfile.TRANSITIONS allows it, and record the move.

    The one writer of MentorProfile.status. APPROVED stamps `approved_at` the first time. Raises
    innerwork.core.status.StatusTransitionError for a move the map refuses. Call it with the profile
    row locked when two people may decide at once.
    """
    return approved_profile_set_status(mentor, status, actor=actor, reason=reason)


def _check_staff(actor) -> None:
    if actor is None or not actor.is_staff or not actor.has_perm(APPROVE_PERMISSION):
        raise PermissionDenied(NOT_ALLOWED)


def mentor_approve(*, mentor: MentorProfile, actor, reason: str = "") -> MentorProfile:
    """Staff approve a mentor: they are listed and can be booked. Idempotent; audited.

    Locks the profile row; a profile already approved is returned as it is (nothing recorded).
    Raises PermissionDenied without the `mentorship.approve_mentor` permission.
    """
    _check_staff(actor)
    with transaction.atomic():
        locked = MentorProfile.objects.select_for_update().get(pk=mentor.pk)
        if locked.status != MentorProfile.Status.APPROVED:
            mentor_set_status(mentor=locked, status=MentorProfile.Status.APPROVED, actor=actor, reason=reason)
            staff_action_record(actor=actor, action="mentor.approve", subject=locked, reason=reason)
    return locked


def mentor_deactivate(*, mentor: MentorProfile, actor, reason: str) -> MentorProfile:
    """Staff take a mentor off the list: nobody can book them any more. Needs a reason; idempotent; audited.

    Sessions already booked are not touched here: they are cancelled (and refunded) one by one,
    so each customer is told. Locks the profile row.
    """
    _check_staff(actor)
    if not reason.strip():
        raise MentorError(REASON_REQUIRED)
    with transaction.atomic():
        locked = MentorProfile.objects.select_for_update().get(pk=mentor.pk)
        if locked.status != MentorProfile.Status.DEACTIVATED:
            mentor_set_status(mentor=locked, status=MentorProfile.Status.DEACTIVATED, actor=actor, reason=reason)
            staff_action_record(actor=actor, action="mentor.deactivate", subject=locked, reason=reason.strip())
    return locked


def mentor_profile_update(
    *,
    mentor: MentorProfile,
    headline: str,
    bio: str,
    expertise,
    languages,
    hourly_rate_amount: int,
    session_lengths: list[int],
    meeting_url: str,
) -> MentorProfile:
    """The mentor changes what their page says and what they charge; returns the saved profile.

    Validates like the model does (rate above zero, lengths among SESSION_LENGTHS; ValidationError
    otherwise). Locks the profile row so a staff approval at the same moment is not overwritten (the
    status is not among the fields written). Bookings already made keep the price they were made at.
    """
    with transaction.atomic():
        locked = MentorProfile.objects.select_for_update().get(pk=mentor.pk)
        locked.headline = headline
        locked.bio = bio
        locked.hourly_rate_amount = hourly_rate_amount
        locked.session_lengths = sorted(session_lengths)
        locked.meeting_url = meeting_url
        locked.full_clean(exclude=["user", "slug", "status", "expertise", "languages"])
        locked.save(
            update_fields=["headline", "bio", "hourly_rate_amount", "session_lengths", "meeting_url", "updated_at"]
        )
        locked.expertise.set(expertise)
        locked.languages.set(languages)
    return locked
