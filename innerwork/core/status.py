"""One door per status: the check, the write and the record that every status move shares.

A model whose status follows rules declares `Status` (TextChoices) and `TRANSITIONS`, a map
from each status to the set of statuses it may move to. Its service module owns the model's
one door (`refund_set_status`, `outbox_email_set_status`, ...), which says what the move
means (timestamps, reasons, locks) and calls `status_move` here to do the rest. Nothing else
assigns `.status` on such a model, updates it on a queryset, or creates a row in a status
other than its initial one outside a creation path its service documents.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from innerwork.core.models import StatusChange

TRANSITION_REFUSED = "{model} {pk} cannot go from {from_status} to {to_status}"
TRANSITION_RACED = "{model} {pk} is no longer {from_status}: another writer moved it first"


class StatusTransitionError(ValueError):
    """A status move the model's TRANSITIONS map does not allow, or one from a status the row no longer has."""

    def __init__(self, message: str, *, instance: models.Model, from_status: str, to_status: str):
        super().__init__(message)
        self.instance = instance
        self.from_status = from_status
        self.to_status = to_status


def status_move(
    instance: models.Model,
    to: str,
    *,
    changes: Mapping[str, Any] | None = None,
    reason: str = "",
    data: dict | None = None,
    actor=None,
    same_is_noop: bool = False,
) -> bool:
    """Move `instance` to status `to` if `type(instance).TRANSITIONS` allows it, and record the move.

    Guarantees:
    - A refused move raises StatusTransitionError (TRANSITION_REFUSED) before anything is
      written: the row, the instance in memory and the record are left as they were.
    - An allowed move is one UPDATE of the row (status, `changes`, and `updated_at` when the
      model has it) guarded by the status the instance holds, plus one StatusChange INSERT, in
      one transaction (the caller's, when there is one). If the row's status is no longer the
      instance's (a writer that did not lock got there first), nothing is written and
      StatusTransitionError (TRANSITION_RACED) is raised: a move is never made from a status the
      row does not have. Callers that can race lock the row (select_for_update) first, as the
      doors' docstrings say.
    - Asking for the status the row already has is a move only where the map lists it; otherwise
      it is refused, or, with `same_is_noop`, changes nothing and records nothing (returns False).
    Returns True when the status moved.
    """
    model = type(instance)
    from_status, to = str(instance.status), str(model.Status(to))
    if to not in model.TRANSITIONS.get(from_status, ()):
        if same_is_noop and to == from_status:
            return False
        raise StatusTransitionError(
            TRANSITION_REFUSED.format(model=model.__name__, pk=instance.pk, from_status=from_status, to_status=to),
            instance=instance,
            from_status=from_status,
            to_status=to,
        )
    values = {"status": to, **(changes or {})}
    if any(field.name == "updated_at" for field in model._meta.concrete_fields):
        values["updated_at"] = timezone.now()
    with transaction.atomic(savepoint=False):
        moved = model._default_manager.filter(pk=instance.pk, status=from_status).update(**values)
        if moved:
            StatusChange.objects.create(
                subject_type=model._meta.label_lower,
                subject_id=str(instance.pk),
                from_status=from_status,
                to_status=to,
                reason=reason[:255],
                data=data or {},
                actor=actor if actor is not None and actor.is_authenticated else None,
            )
    if not moved:  # raised outside the block, so the caller's transaction stays usable
        raise StatusTransitionError(
            TRANSITION_RACED.format(model=model.__name__, pk=instance.pk, from_status=from_status),
            instance=instance,
            from_status=from_status,
            to_status=to,
        )
    for name, value in values.items():
        setattr(instance, name, value)
    return True


def approved_profile_set_status(profile, status: str, *, actor=None, reason: str = "") -> bool:
    """The door of an ApprovedProfile's status (a mentor's, a coach's): APPROVED stamps `approved_at` the first
    time. Each app's own door (mentor_set_status, coach_set_status) calls it; lock the row first."""
    changes = {}
    if status == profile.Status.APPROVED and profile.approved_at is None:
        changes["approved_at"] = timezone.now()
    return status_move(profile, status, changes=changes, actor=actor, reason=reason)
