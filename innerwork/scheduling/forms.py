"""Forms shared by pages that offer times: a time picked from the slots shown, as the UTC instant it travels as."""

from __future__ import annotations

from datetime import UTC, datetime

from django import forms

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
