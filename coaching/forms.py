"""Forms of the conversation: asking a coach, writing in a thread, and the coach's proposal.

The proposal's price is typed in major units ("900.00") and turned into minor units here, once, by
innerwork.core.money; the service and the model check the rest of the terms.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from django import forms

from coaching.conversation import MESSAGE_MAX_CHARS, PROPOSAL_MAX_DAYS_OPEN
from coaching.models import MAX_SESSIONS, MAX_VALIDITY_WEEKS, SESSION_LENGTHS, Proposal
from innerwork.core.money import from_decimal, to_decimal

CURRENCIES = [("usd", "US dollars"), ("eur", "Euros"), ("gbp", "Pounds sterling")]
DEFAULT_DAYS_OPEN = 14


class InquiryForm(forms.Form):
    goals = forms.CharField(
        label="What would you like to work on?",
        max_length=MESSAGE_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Your goals, where you are now, and any times or budget that matter. The coach answers here.",
    )


class MessageForm(forms.Form):
    body = forms.CharField(label="Your message", max_length=MESSAGE_MAX_CHARS, widget=forms.Textarea(attrs={"rows": 3}))


class ProposalForm(forms.Form):
    title = forms.CharField(max_length=120, help_text="E.g. “Stepping into your first leadership role”.")
    goals = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), help_text="What you will work on together.")
    sessions_count = forms.IntegerField(label="Sessions", min_value=1, max_value=MAX_SESSIONS)
    session_minutes = forms.TypedChoiceField(
        label="Session length", coerce=int, choices=[(m, f"{m} min") for m in SESSION_LENGTHS], initial=60
    )
    price = forms.DecimalField(
        label="Price of the whole package", min_value=Decimal("1"), max_digits=9, decimal_places=2
    )
    currency = forms.ChoiceField(choices=CURRENCIES, initial="usd")
    validity_weeks = forms.IntegerField(
        label="Sessions usable for (weeks after payment)", min_value=1, max_value=MAX_VALIDITY_WEEKS, initial=12
    )
    cancel_notice_hours = forms.IntegerField(
        label="Notice to cancel a session (hours)",
        min_value=0,
        max_value=168,
        initial=24,
        help_text="A session cancelled with less notice uses its credit.",
    )
    cancellation_terms = forms.CharField(
        label="Cancellation terms", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    days_open = forms.IntegerField(
        label="Proposal open for (days)", min_value=1, max_value=PROPOSAL_MAX_DAYS_OPEN, initial=DEFAULT_DAYS_OPEN
    )

    @classmethod
    def from_proposal(cls, proposal: Proposal) -> ProposalForm:
        """A form filled with a proposal's terms, for its revision."""
        initial = {**proposal.terms(), "price": to_decimal(proposal.price_amount, proposal.currency)}
        return cls(initial={**initial, "days_open": DEFAULT_DAYS_OPEN})

    def terms(self) -> dict:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "goals": data["goals"],
            "sessions_count": data["sessions_count"],
            "session_minutes": data["session_minutes"],
            "price_amount": from_decimal(data["price"], data["currency"]),
            "currency": data["currency"],
            "validity_weeks": data["validity_weeks"],
            "cancel_notice_hours": data["cancel_notice_hours"],
            "cancellation_terms": data["cancellation_terms"],
        }

    def expires_at(self, now: datetime) -> datetime:
        return now + timedelta(days=self.cleaned_data["days_open"])
