"""Picking a time from the slots shown: the UTC instant it travels as, and applying it to a reschedule service."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from django import forms

from innerwork.core.errors import Refused
from innerwork.scheduling.services import SlotTaken

INVALID_TIME = "That time is not one we can book. Please pick one of the times shown."


def parse_utc(value: str) -> datetime | None:
    """A UTC ISO 8601 instant from a link (e.g. 2026-12-07T09:00:00Z); None when it is not one."""
    try:
        parsed = datetime.fromisoformat(value.strip().replace(" ", "+"))
    except (ValueError, AttributeError):
        return None
    if parsed.tzinfo is None:
        return None
    return parsed.astimezone(UTC)


class PickedStartForm(forms.Form):
    """A start picked from the slots shown, in UTC ISO 8601 (whether it is free, the booking service decides)."""

    start = forms.CharField(widget=forms.HiddenInput)

    def clean_start(self):
        start = parse_utc(self.cleaned_data["start"])
        if start is None:
            raise forms.ValidationError(INVALID_TIME)
        return start


def picked_start_apply(data, move: Callable[[datetime], object]) -> tuple[bool, str, list]:
    """Read the picked start from posted `data` and call `move(start)` (a reschedule service).

    Returns (done, error, alternatives): the form's or the service's refusal as a sentence for the
    person, and when the time was just taken, the nearest free slots to offer instead.
    """
    form = PickedStartForm(data)
    if not form.is_valid():
        return False, form.errors["start"][0], []
    try:
        move(form.cleaned_data["start"])
    except Refused as exc:
        return False, exc.message, []
    except SlotTaken as taken:
        return False, str(taken), taken.alternatives
    return True, "", []
