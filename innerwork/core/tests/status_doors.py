"""Walking a status door over one (from, to) pair; shared by each app's test_status_doors."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import models

from innerwork.core.models import StatusChange
from innerwork.core.status import TRANSITION_REFUSED, StatusTransitionError


def changes_of(row: models.Model) -> list[tuple[str, str]]:
    """The (from, to) of every StatusChange recorded for `row`, oldest first."""
    changes = StatusChange.objects.filter(subject_type=row._meta.label_lower, subject_id=str(row.pk))
    return list(changes.order_by("created_at", "id").values_list("from_status", "to_status"))


def _stored(row: models.Model) -> dict:
    return type(row)._default_manager.filter(pk=row.pk).values().get()


def walk_pair(
    *,
    row: models.Model,
    door: Callable[[models.Model, str], bool],
    to_status: str,
    allowed: set[tuple[str, str]],
    same_is_noop: bool,
) -> None:
    """Ask `door` to move `row` to `to_status` and check the outcome against `allowed`.

    An allowed pair moves the row and leaves exactly one record. A repeat of the row's status
    at an idempotent door changes and records nothing. Any other pair raises
    StatusTransitionError with TRANSITION_REFUSED and leaves the row (every column) and the
    records as they were.
    """
    from_status = str(row.status)
    before = _stored(row)
    if (from_status, to_status) in allowed:
        assert door(row, to_status) is True
        assert _stored(row)["status"] == to_status
        assert row.status == to_status
        assert changes_of(row) == [(from_status, to_status)]
        return
    if same_is_noop and from_status == to_status:
        assert door(row, to_status) is False
    else:
        with pytest.raises(StatusTransitionError) as refused:
            door(row, to_status)
        assert str(refused.value) == TRANSITION_REFUSED.format(
            model=type(row).__name__, pk=row.pk, from_status=from_status, to_status=to_status
        )
    assert _stored(row) == before
    assert row.status == from_status
    assert changes_of(row) == []
