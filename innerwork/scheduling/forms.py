"""Forms of a person's calendar (innerwork.scheduling): its settings, weekly hours and date overrides.

Shared by every area where someone sets when they can be booked (the mentor area, the coach area);
each page renders them and calls innerwork.scheduling.availability with what they clean.
"""

from __future__ import annotations

import re
from datetime import time

from django import forms

from innerwork.accounts.time_zones import time_zone_choices
from innerwork.scheduling.availability import (
    MAX_BUFFER_MINUTES,
    MAX_HORIZON_DAYS,
    MAX_NOTICE_MINUTES,
    AvailabilityError,
    windows_check,
)
from innerwork.scheduling.models import Weekday

TIME_MISSING = "Give both a start and an end time, or leave both empty."
OVERRIDE_TIMES_REQUIRED = "Give the hours for that date, or choose “Day off”."
OVERRIDE_WINDOW_UNREADABLE = "“{part}” is not a window of hours: write it as 09:00-12:00."
OVERRIDE_TIME_UNREADABLE = "“{value}” is not a time of day: use 00:00 to 23:59."
OVERRIDE_TOO_MANY = "At most {count} windows on one date."
MAX_OVERRIDE_WINDOWS = 12


def _time_input() -> forms.TimeInput:
    return forms.TimeInput(format="%H:%M", attrs={"type": "time"})


class CalendarSettingsForm(forms.Form):
    """The calendar's zone and its rules around every session; notice is in hours here, minutes in the model."""

    time_zone = forms.ChoiceField(label="Time zone", help_text="Your weekly hours and date overrides are in this zone.")
    buffer_before_minutes = forms.IntegerField(
        min_value=0,
        max_value=MAX_BUFFER_MINUTES,
        label="Buffer before (minutes)",
        help_text="Kept free before each session.",
    )
    buffer_after_minutes = forms.IntegerField(
        min_value=0,
        max_value=MAX_BUFFER_MINUTES,
        label="Buffer after (minutes)",
        help_text="Kept free after each session.",
    )
    min_notice_hours = forms.IntegerField(
        min_value=0,
        max_value=MAX_NOTICE_MINUTES // 60,
        label="Minimum notice (hours)",
        help_text="Nobody can book a session starting sooner than this.",
    )
    horizon_days = forms.IntegerField(
        min_value=1,
        max_value=MAX_HORIZON_DAYS,
        label="Booking horizon (days)",
        help_text="How far ahead people can book.",
    )

    def __init__(self, *args, current_zone: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].choices = time_zone_choices(include=current_zone)

    @classmethod
    def for_calendar(cls, calendar) -> CalendarSettingsForm:
        return cls(
            current_zone=calendar.time_zone,
            initial={
                "time_zone": calendar.time_zone,
                "buffer_before_minutes": calendar.buffer_before_minutes,
                "buffer_after_minutes": calendar.buffer_after_minutes,
                "min_notice_hours": calendar.min_notice_minutes // 60,
                "horizon_days": calendar.horizon_days,
            },
        )

    def settings_values(self) -> dict:
        data = self.cleaned_data
        return {
            "time_zone": data["time_zone"],
            "buffer_before_minutes": data["buffer_before_minutes"],
            "buffer_after_minutes": data["buffer_after_minutes"],
            "min_notice_minutes": data["min_notice_hours"] * 60,
            "horizon_days": data["horizon_days"],
        }


class WeeklyWindowForm(forms.Form):
    """One window of weekly hours; a row left with both times empty is no window (see `window`)."""

    weekday = forms.TypedChoiceField(coerce=int, choices=Weekday.choices, label="Day")
    start_time = forms.TimeField(required=False, widget=_time_input(), label="From")
    end_time = forms.TimeField(required=False, widget=_time_input(), label="To")
    remove = forms.BooleanField(required=False, label="Remove")

    def clean(self):
        data = super().clean()
        start, end = data.get("start_time"), data.get("end_time")
        if not data.get("remove") and (start is None) != (end is None):
            raise forms.ValidationError(TIME_MISSING)
        return data

    @property
    def window(self) -> tuple[int, time, time] | None:
        data = getattr(self, "cleaned_data", None) or {}
        if data.get("remove") or data.get("start_time") is None or data.get("end_time") is None:
            return None
        return (data["weekday"], data["start_time"], data["end_time"])


class BaseWeeklyHoursFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        try:
            windows_check(windows=[(Weekday(w[0]).label, w[1], w[2]) for w in self.windows()])
        except AvailabilityError as error:
            raise forms.ValidationError(error.message) from None

    def windows(self) -> list[tuple[int, time, time]]:
        """The windows kept: rows neither removed nor empty, by day and start."""
        return sorted(form.window for form in self.forms if form.window is not None)


WeeklyHoursFormSet = forms.formset_factory(
    WeeklyWindowForm, formset=BaseWeeklyHoursFormSet, extra=0, max_num=70, absolute_max=100, validate_max=True
)


def weekly_hours_formset(rules, *, blank_rows: int = 1) -> BaseWeeklyHoursFormSet:
    """The weekly hours as rows, plus `blank_rows` empty rows to add a window (the weekday of the last row)."""
    initial = [{"weekday": r.weekday, "start_time": r.start_time, "end_time": r.end_time} for r in rules]
    next_day = initial[-1]["weekday"] if initial else Weekday.MONDAY
    initial += [{"weekday": next_day} for _ in range(blank_rows)]
    return WeeklyHoursFormSet(initial=initial, prefix="hours", form_kwargs={"empty_permitted": True})


def weekly_hours_formset_bound(data, *, add_row: bool = False) -> BaseWeeklyHoursFormSet:
    """The posted rows; `add_row` appends one empty row (the "Add a window" button, no JavaScript needed)."""
    if add_row:
        data = data.copy()
        total = int(data.get("hours-TOTAL_FORMS", 0) or 0)
        data["hours-TOTAL_FORMS"] = str(min(total + 1, 70))
        data[f"hours-{total}-weekday"] = data.get(f"hours-{total - 1}-weekday", "0")
    return WeeklyHoursFormSet(data, prefix="hours", form_kwargs={"empty_permitted": True})


_WINDOW_SEPARATORS = re.compile(r"[,;\n]+")
_WINDOW = re.compile(r"^\s*(\S+?)\s*(?:-|–|—|to)\s*(\S+)\s*$", re.IGNORECASE)
_TIME = re.compile(r"^(\d{1,2})(?:[:.h](\d{2}))?$")


def _time_of_day(value: str) -> time:
    match = _TIME.match(value)
    if match is None or int(match[1]) > 23 or int(match[2] or 0) > 59:
        raise forms.ValidationError(OVERRIDE_TIME_UNREADABLE.format(value=value))
    return time(int(match[1]), int(match[2] or 0))


def parse_windows(text: str) -> list[tuple[time, time]]:
    """ "09:00-12:00, 14:00-17:00" as [(09:00, 12:00), (14:00, 17:00)], in the order written.

    Forgiving about how a phone keyboard types it: commas, semicolons or new lines between windows;
    "-", "–", "—" or "to" inside one; "9" for 09:00, "9.30" or "9h30" for 09:30. Each time must be a time
    of the day (a window cannot run past midnight); ValidationError naming the part it could not read.
    """
    windows = []
    for part in filter(None, (piece.strip() for piece in _WINDOW_SEPARATORS.split(text))):
        match = _WINDOW.match(part)
        if match is None:
            raise forms.ValidationError(OVERRIDE_WINDOW_UNREADABLE.format(part=part))
        windows.append((_time_of_day(match[1]), _time_of_day(match[2])))
    return windows


class DateOverrideForm(forms.Form):
    """One date's hours instead of the weekly ones: a day off, or one or more windows.

    The windows are typed as one line ("09:00-12:00, 14:00-17:00"): on a phone that is one field to fill,
    however many windows, rather than a pair of time pickers per window and a button to add another.
    """

    KIND_CHOICES = [("off", "Day off"), ("hours", "Other hours")]

    date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), label="Date")
    kind = forms.ChoiceField(
        choices=KIND_CHOICES, widget=forms.RadioSelect(attrs={"class": "choice-list"}), initial="off", label="That day"
    )
    hours = forms.CharField(
        required=False,
        max_length=400,
        label="Hours",
        help_text="One or more windows, e.g. 09:00-12:00, 14:00-17:00",
        widget=forms.TextInput(attrs={"placeholder": "09:00-12:00, 14:00-17:00", "autocomplete": "off"}),
    )

    def clean(self):
        """The hours are read only for "Other hours": whatever is left in the field of a day off is ignored."""
        data = super().clean()
        if data.get("kind") != "hours" or "hours" not in data:
            return data
        try:
            windows = parse_windows(data["hours"])
            if not windows:
                raise forms.ValidationError(OVERRIDE_TIMES_REQUIRED)
            if len(windows) > MAX_OVERRIDE_WINDOWS:
                raise forms.ValidationError(OVERRIDE_TOO_MANY.format(count=MAX_OVERRIDE_WINDOWS))
            windows_check(windows=[("That date", start, end) for start, end in windows])
        except forms.ValidationError as error:
            self.add_error("hours", error)
        except AvailabilityError as error:
            self.add_error("hours", error.message)
        else:
            data["windows"] = sorted(windows)
        return data

    def windows(self) -> list[tuple[time, time]]:
        """The date's windows by start, none for a day off (whatever was typed in the hours)."""
        data = self.cleaned_data
        return data["windows"] if data["kind"] == "hours" else []


class OverrideRemoveForm(forms.Form):
    date = forms.DateField()
