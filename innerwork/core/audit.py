"""The staff audit log: record what a member of staff did to money or access, with their reason."""

from __future__ import annotations

from django.db import models

from innerwork.core.models import StaffAction


def staff_action_record(
    *, actor, action: str, subject: models.Model, reason: str = "", order_number: str = "", data: dict | None = None
) -> StaffAction:
    """Append one entry (who, what, to which object, why) to the audit log; call it in the acting transaction.

    `action` is a short verb phrase such as "order.refund" or "enrollment.revoke"; `order_number`
    ties the entry to an order so the order's admin page lists it.
    """
    return StaffAction.objects.create(
        actor=actor,
        action=action,
        subject_type=subject._meta.label_lower,
        subject_id=str(subject.pk),
        subject_repr=str(subject)[:200],
        order_number=order_number,
        reason=reason,
        data=data or {},
    )


def staff_actions_for_order(*, order_number: str):
    """Everything staff did about one order, oldest first, with who did it."""
    return StaffAction.objects.filter(order_number=order_number).select_related("actor").order_by("created_at", "id")
