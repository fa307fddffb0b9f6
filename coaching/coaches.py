"""Writes about coaches: staff approve and deactivate them (one status door, audited).

A coach is listed, can be asked for a proposal and can send one only while approved. Deactivating
a coach does not touch their open proposals or contracts: answering a proposal of a coach who is no
longer approved is refused (coaching.conversation), and contracts already paid run to their end.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction

from coaching.models import CoachProfile
from coaching.status import coach_set_status
from innerwork.core.audit import staff_action_record
from innerwork.core.exceptions import UserFacingError

APPROVE_PERMISSION = "coaching.approve_coach"
NOT_ALLOWED = "Only staff allowed to approve coaches can approve or deactivate them."
REASON_REQUIRED = "Say why: the reason is kept in the staff audit log."


class CoachError(UserFacingError):
    """A coach action refused; `message` is shown to the person as it is."""


_ACTIONS = {
    CoachProfile.Status.APPROVED: "coach.approve",
    CoachProfile.Status.DEACTIVATED: "coach.deactivate",
}


def _coach_staff_move(*, coach: CoachProfile, status: str, actor, reason: str, reason_required: bool) -> CoachProfile:
    """Move the coach to `status` for a member of staff: checks the permission, locks the profile row,
    and records the move and the audit entry in one transaction. A coach already there is returned as
    it is (nothing recorded), so a repeated click is harmless."""
    if actor is None or not actor.is_staff or not actor.has_perm(APPROVE_PERMISSION):
        raise PermissionDenied(NOT_ALLOWED)
    reason = reason.strip()
    if reason_required and not reason:
        raise CoachError(REASON_REQUIRED)
    with transaction.atomic():
        locked = CoachProfile.objects.select_for_update().get(pk=coach.pk)
        if locked.status != status:
            coach_set_status(coach=locked, status=status, actor=actor, reason=reason)
            staff_action_record(actor=actor, action=_ACTIONS[status], subject=locked, reason=reason)
    return locked


def coach_approve(*, coach: CoachProfile, actor, reason: str = "") -> CoachProfile:
    """Staff approve a coach: listed, can be asked and can propose. Idempotent; audited; needs approve_coach."""
    return _coach_staff_move(
        coach=coach, status=CoachProfile.Status.APPROVED, actor=actor, reason=reason, reason_required=False
    )


def coach_deactivate(*, coach: CoachProfile, actor, reason: str) -> CoachProfile:
    """Staff take a coach off the list (nobody can ask them or accept their proposals). Needs a reason;
    idempotent; audited; needs approve_coach."""
    return _coach_staff_move(
        coach=coach, status=CoachProfile.Status.DEACTIVATED, actor=actor, reason=reason, reason_required=True
    )
