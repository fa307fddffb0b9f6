"""Reads about contracts for the people in them: a contract for its student or coach, and "My coaching"."""

from __future__ import annotations

from django.db.models import Case, Q, QuerySet, Value, When

from coaching.models import Contract

OPEN = (Contract.Status.PENDING_PAYMENT, Contract.Status.ACTIVE)


def contract_for_viewer(*, user, number: str) -> Contract:
    """The contract `number` if `user` is its student or its coach; Contract.DoesNotExist for anyone else."""
    if not getattr(user, "is_authenticated", False):
        raise Contract.DoesNotExist("anonymous viewer")
    return (
        Contract.objects.select_related("coach__user", "student", "proposal__inquiry")
        .filter(Q(student=user) | Q(coach__user=user), number=number)
        .get()
    )


def contracts_of_student(*, user) -> QuerySet[Contract]:
    """The student's contracts: waiting for payment and active first, then the ended ones, newest first."""
    return (
        Contract.objects.filter(student=user)
        .select_related("coach__user")
        .order_by(
            # Something to do (pay, book) comes before history.
            Case(
                When(status__in=(Contract.Status.PENDING_PAYMENT, Contract.Status.ACTIVE), then=Value(0)),
                default=Value(1),
            ),
            "-created_at",
            "-id",
        )
    )
