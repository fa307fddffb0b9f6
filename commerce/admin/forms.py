"""Forms of the order console: refund, reason-only actions (resend receipt, resolve flag)."""

from __future__ import annotations

import secrets
from decimal import Decimal

from django import forms
from django.db.models import Sum

from commerce.models import Order, Refund, RefundLine
from innerwork.core.money import format_money, from_decimal

REFUND_NOTHING_CHOSEN = "Enter an amount for at least one line, or tick “Refund everything still refundable”."
REFUND_LINE_TOO_MUCH = "At most {amount} of this line can still be refunded."
REFUND_TOO_PRECISE = "{currency} amounts cannot have that many decimal places."
REFUND_NOTHING_LEFT = "Nothing is left to refund on this order."


def new_request_key() -> str:
    """A fresh token for one form: a double submit of the same form carries the same key."""
    return secrets.token_urlsafe(16)


def refundable_by_line(*, order: Order) -> dict[int, int]:
    """What each line can still give back, in minor units: its total less pending and succeeded refunds."""
    taken = dict(
        RefundLine.objects.filter(line__order=order, refund__status__in=Refund.COUNTS)
        .values_list("line")
        .annotate(total=Sum("amount"))
    )
    return {line.pk: max(line.total_amount - taken.get(line.pk, 0), 0) for line in order.lines.all()}


class ReasonForm(forms.Form):
    """A required reason (kept in the audit log) and the form's one-time request key."""

    reason = forms.CharField(max_length=500, widget=forms.TextInput(attrs={"size": 50}))
    request_key = forms.CharField(widget=forms.HiddenInput, max_length=64)


class RefundForm(forms.Form):
    """Choose lines and amounts (in major units) or everything, say why; amounts come out in minor units."""

    everything = forms.BooleanField(label="Refund everything still refundable", required=False)
    reason = forms.CharField(
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
        help_text="Required. Shown to staff and printed on the credit note.",
    )
    revoke = forms.BooleanField(
        label="Take back what the refunded lines gave (course access)",
        required=False,
        initial=True,
        help_text="Untick for a goodwill refund where the customer keeps access.",
    )
    request_key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, order: Order, **kwargs):
        super().__init__(*args, **kwargs)
        self.order = order
        self.refundable = refundable_by_line(order=order)
        self.line_rows = []
        for line in order.lines.all():
            left = self.refundable[line.pk]
            name = f"line_{line.pk}"
            self.fields[name] = forms.DecimalField(
                label=line.title,
                required=False,
                min_value=Decimal(0),
                disabled=left == 0,
                widget=forms.NumberInput(attrs={"step": "any", "size": 8, "placeholder": "0.00"}),
            )
            self.line_rows.append(
                {"line": line, "field": self[name], "left": left, "left_display": format_money(left, order.currency)}
            )

    def clean(self):
        cleaned = super().clean()
        currency = self.order.currency
        amounts = {}
        for row in self.line_rows:
            line, name = row["line"], f"line_{row['line'].pk}"
            value = cleaned.get(name)
            if not value:
                continue
            try:
                minor = from_decimal(value, currency)
            except ValueError:
                self.add_error(name, REFUND_TOO_PRECISE.format(currency=currency.upper()))
                continue
            if minor > row["left"]:
                self.add_error(name, REFUND_LINE_TOO_MUCH.format(amount=row["left_display"]))
            elif minor > 0:
                amounts[line.pk] = minor
        if cleaned.get("everything"):
            if not any(self.refundable.values()):
                raise forms.ValidationError(REFUND_NOTHING_LEFT)
            cleaned["amounts"] = None
        elif not amounts and not self.errors:
            raise forms.ValidationError(REFUND_NOTHING_CHOSEN)
        else:
            cleaned["amounts"] = amounts
        return cleaned

    def total_display(self) -> str:
        amounts = self.cleaned_data.get("amounts")
        total = sum(self.refundable.values()) if amounts is None else sum(amounts.values())
        return format_money(total, self.order.currency)
