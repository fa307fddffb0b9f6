"""Forms of the mentorship pages: the mentors filters, the booking form, a picked time."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from django import forms

from innerwork.core.money import from_decimal
from mentorship.models import SESSION_LENGTHS

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


class MentorFilterForm(forms.Form):
    expertise = forms.ChoiceField(required=False)
    language = forms.ChoiceField(required=False)
    max_rate = forms.DecimalField(
        required=False, min_value=Decimal(1), max_digits=7, decimal_places=0, label="Max hourly rate ($)"
    )
    this_week = forms.BooleanField(required=False, label="Available this week")

    def __init__(self, *args, expertise_choices, language_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["expertise"].choices = [("", "Any expertise"), *expertise_choices]
        self.fields["language"].choices = [("", "Any language"), *language_choices]

    def filters(self) -> dict:
        """The selector's arguments (empty when the form is not valid: nothing filtered)."""
        if not self.is_valid():
            return {"expertise": "", "language": "", "max_rate": None, "this_week": False}
        data = self.cleaned_data
        max_rate = from_decimal(data["max_rate"], "usd") if data["max_rate"] is not None else None
        return {
            "expertise": data["expertise"],
            "language": data["language"],
            "max_rate": max_rate,
            "this_week": data["this_week"],
        }


class PickedTimeForm(forms.Form):
    """A time picked from the slots shown: `start` in UTC ISO 8601, `length` in minutes."""

    start = forms.CharField(widget=forms.HiddenInput)
    length = forms.TypedChoiceField(
        coerce=int, choices=[(length, length) for length in SESSION_LENGTHS], widget=forms.HiddenInput
    )

    def clean_start(self):
        start = parse_utc(self.cleaned_data["start"])
        if start is None:
            raise forms.ValidationError(INVALID_TIME)
        return start


class BookingForm(PickedTimeForm):
    token = forms.CharField(widget=forms.HiddenInput, max_length=64)
    topic = forms.CharField(
        max_length=120,
        label="What would you like to talk about?",
        widget=forms.TextInput(attrs={"placeholder": "e.g. Preparing for my first team lead role"}),
    )
    notes = forms.CharField(
        required=False,
        max_length=2000,
        label="Anything your mentor should know before",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Context, links, questions. Only your mentor sees it.",
    )


class RescheduleForm(forms.Form):
    start = forms.CharField(widget=forms.HiddenInput)

    def clean_start(self):
        start = parse_utc(self.cleaned_data["start"])
        if start is None:
            raise forms.ValidationError(INVALID_TIME)
        return start
