"""Forms of the mentorship pages: the mentors filters, the booking form, a picked time, the mentor area."""

from __future__ import annotations

from decimal import Decimal

from django import forms

from innerwork.core.money import from_decimal, to_decimal
from innerwork.scheduling.forms import (  # noqa: F401  (the calendar forms moved there; their names stay here)
    OVERRIDE_TIMES_REQUIRED,
    TIME_MISSING,
    BaseWeeklyHoursFormSet,
    CalendarSettingsForm,
    DateOverrideForm,
    OverrideRemoveForm,
    WeeklyWindowForm,
    weekly_hours_formset,
    weekly_hours_formset_bound,
)
from innerwork.scheduling.slot_picking import PickedStartForm
from mentorship.models import SESSION_LENGTHS, MentorProfile


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


class PickedTimeForm(PickedStartForm):
    """A time picked from the slots shown: `start` in UTC ISO 8601, `length` in minutes."""

    length = forms.TypedChoiceField(
        coerce=int, choices=[(length, length) for length in SESSION_LENGTHS], widget=forms.HiddenInput
    )


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


# --- The mentor area ----------------------------------------------------------------------------------------

RATE_NOT_POSITIVE = "Enter an hourly rate above zero."
RATE_TOO_PRECISE = "Enter the rate in whole cents at most."
LENGTHS_REQUIRED = "Offer at least one session length."
MAX_HOURLY_RATE = Decimal(10000)


class MentorProfileForm(forms.ModelForm):
    """The mentor's own page: what it says, what an hour costs (in major units here), which lengths they offer."""

    hourly_rate = forms.DecimalField(
        max_digits=7,
        decimal_places=2,
        max_value=MAX_HOURLY_RATE,
        label="Hourly rate",
        help_text="What an hour costs a customer; shorter and longer sessions are priced pro rata.",
    )
    session_lengths = forms.TypedMultipleChoiceField(
        coerce=int,
        choices=[(length, f"{length} minutes") for length in SESSION_LENGTHS],
        widget=forms.CheckboxSelectMultiple(attrs={"class": "choice-list"}),
        error_messages={"required": LENGTHS_REQUIRED},
        label="Session lengths",
    )

    class Meta:
        model = MentorProfile
        fields = ["headline", "bio", "expertise", "languages", "meeting_url"]
        widgets = {
            "bio": forms.Textarea(attrs={"rows": 8}),
            "expertise": forms.CheckboxSelectMultiple(attrs={"class": "choice-list"}),
            "languages": forms.CheckboxSelectMultiple(attrs={"class": "choice-list"}),
        }
        labels = {"meeting_url": "Meeting link"}
        help_texts = {"meeting_url": "Your video room; each customer receives it with their booking."}

    field_order = ["headline", "bio", "hourly_rate", "session_lengths", "expertise", "languages", "meeting_url"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        mentor = self.instance
        self.fields["hourly_rate"].label = f"Hourly rate ({mentor.currency.upper()})"
        if not self.is_bound:
            self.initial["hourly_rate"] = to_decimal(mentor.hourly_rate_amount, mentor.currency)
            self.initial["session_lengths"] = list(mentor.session_lengths)

    def clean_hourly_rate(self) -> int:
        rate = self.cleaned_data["hourly_rate"]
        if rate <= 0:
            raise forms.ValidationError(RATE_NOT_POSITIVE)
        try:
            return from_decimal(rate, self.instance.currency)
        except ValueError:
            raise forms.ValidationError(RATE_TOO_PRECISE) from None

    def _post_clean(self):
        # The service validates and writes the profile; the model's own checks run there, on the real values.
        pass

    def profile_values(self) -> dict:
        """The service's arguments, from a valid form."""
        data = self.cleaned_data
        return {
            "headline": data["headline"],
            "bio": data["bio"],
            "expertise": data["expertise"],
            "languages": data["languages"],
            "hourly_rate_amount": data["hourly_rate"],
            "session_lengths": data["session_lengths"],
            "meeting_url": data["meeting_url"],
        }
