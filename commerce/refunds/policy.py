"""The refund policy: what a customer gets back, per order line, if they ask now, and whether staff must decide.

One engine for every kind. The product kind's `refund_rule` (commerce.registry) says whether the
line goes back without staff and what it is worth back now (all of it for a course, a tier by notice
for a booking, the unused sessions of a contract); the policy turns that into money: what the kind
grants out of what the line really cost (its price less its share of the discount), less what was
already refunded and what is on its way back (a refund Stripe has not confirmed yet), counted exactly
as refund_start counts it, so a quote the customer confirms is never refused for its amount. A line
the kind does not refund automatically is quoted at everything still refundable: that is what staff
may decide to give back. commerce imports no product app.

Every reason is a sentence shown to the customer as it is, so the constants below are written for them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone

from commerce.models import Order, OrderLine
from commerce.refunds.apply import committed_by_line
from commerce.registry import LINE_NEEDS_REVIEW, NotPurchasable, RefundVerdict, get_kind

ORDER_NOT_PAID = "This order hasn't been paid, so there is nothing to refund."
LINE_FREE = "This item was free, so there is nothing to refund."
LINE_REFUNDED = "This item has already been refunded."
LINE_REFUND_ON_ITS_WAY = "A refund for this item is already on its way."
LINE_ACCESS_ENDED = "This item was refunded and your access to it has ended."
LINE_KIND_GONE = "This item can no longer be sold, so our team will look at this refund."
ORDER_UNDER_REVIEW = "Our team is reviewing this order, so they will decide about the refund."


@dataclass(frozen=True)
class LineQuote:
    """The policy's verdict on one order line: `amount` (minor units) is what would go back if refunded,
    `eligible` says it would go back automatically, `reasons` say why not (empty when eligible), and
    `explanation` how the kind worked the amount out (a tier, a share of unused sessions; may be empty)."""

    line: OrderLine
    eligible: bool
    amount: int
    reasons: list[str] = field(default_factory=list)
    explanation: str = ""

    @property
    def refundable(self) -> bool:
        """Something is left to refund on this line (automatically or by staff)."""
        return self.amount > 0


@dataclass(frozen=True)
class RefundQuote:
    """The policy's verdict on the chosen lines of one order, at `quoted_at`."""

    order: Order
    lines: list[LineQuote]
    quoted_at: datetime

    @property
    def currency(self) -> str:
        return self.order.currency

    @property
    def refundable_lines(self) -> list[LineQuote]:
        return [quote for quote in self.lines if quote.refundable]

    @property
    def total(self) -> int:
        """What would go back for every line that still has something to refund."""
        return sum(quote.amount for quote in self.refundable_lines)

    @property
    def automatic(self) -> bool:
        """Every line is within the policy (and there is at least one): the refund needs no staff."""
        return bool(self.lines) and all(quote.eligible for quote in self.lines)

    def line_for(self, line_id: int) -> LineQuote | None:
        return next((quote for quote in self.lines if quote.line.pk == line_id), None)

    def as_record(self) -> dict:
        """The quote as shown to the customer, for RefundRequest.quote (staff see what the customer saw)."""
        return {
            "quoted_at": self.quoted_at.isoformat(),
            "currency": self.currency,
            "total": self.total,
            "automatic": self.automatic,
            "lines": [
                {
                    "line": quote.line.pk,
                    "title": quote.line.title,
                    "kind": quote.line.kind,
                    "amount": quote.amount,
                    "eligible": quote.eligible,
                    "reasons": list(quote.reasons),
                    "explanation": quote.explanation,
                }
                for quote in self.lines
            ],
        }


def _kind_verdict(*, line: OrderLine, now: datetime) -> RefundVerdict:
    try:
        kind = get_kind(line.kind)
    except NotPurchasable:
        return RefundVerdict(eligible=False, reasons=(LINE_KIND_GONE,))
    return kind.refund_rule(line=line, now=now)


def _granted(*, line: OrderLine, verdict: RefundVerdict, committed: int) -> int:
    """What goes back automatically: the kind's share of the line, less what refunds already took from it."""
    worth = line.total_amount if verdict.amount is None else max(0, min(verdict.amount, line.total_amount))
    return max(0, worth - committed)


def _line_quote(*, order: Order, line: OrderLine, committed: int, now: datetime) -> LineQuote:
    """`committed`: what pending and succeeded refunds already take from the line (as refund_start counts it)."""
    if order.status not in (Order.Status.PAID, Order.Status.PARTIALLY_REFUNDED, Order.Status.REFUNDED) or (
        order.paid_at is None
    ):
        return LineQuote(line=line, eligible=False, amount=0, reasons=[ORDER_NOT_PAID])
    if line.total_amount == 0:
        return LineQuote(line=line, eligible=False, amount=0, reasons=[LINE_FREE])
    if line.revoked_at is not None:
        reason = LINE_REFUNDED if line.refundable_amount == 0 else LINE_ACCESS_ENDED
        return LineQuote(line=line, eligible=False, amount=0, reasons=[reason])
    amount = max(0, line.total_amount - committed)
    if amount == 0:
        reason = LINE_REFUND_ON_ITS_WAY if committed > line.refunded_amount else LINE_REFUNDED
        return LineQuote(line=line, eligible=False, amount=0, reasons=[reason])
    verdict = _kind_verdict(line=line, now=now)
    eligible, reasons = verdict.eligible, list(verdict.reasons)
    if eligible:
        granted = _granted(line=line, verdict=verdict, committed=committed)
        if granted == 0:
            # Nothing is owed under the policy (a late cancellation, a used-up contract): staff may still decide.
            eligible, reasons = False, reasons or [verdict.explanation or LINE_NEEDS_REVIEW]
        else:
            amount = granted
    if order.is_flagged and order.flag_resolved_at is None:
        eligible, reasons = False, [*reasons, ORDER_UNDER_REVIEW]
    return LineQuote(line=line, eligible=eligible, amount=amount, reasons=reasons, explanation=verdict.explanation)


def refund_quote(*, order: Order, line_ids=None, now: datetime | None = None) -> RefundQuote:
    """Quote a refund of the order's lines `line_ids` (None: every line) at `now` (default: this moment).

    Reads only, so it can be shown on a page as often as needed; the refund request re-quotes under
    the order's lock before acting on it. Ids that are not lines of this order are left out.
    """
    now = now or timezone.now()
    lines = list(order.lines.all())
    if line_ids is not None:
        wanted = {int(line_id) for line_id in line_ids}
        lines = [line for line in lines if line.pk in wanted]
    committed = committed_by_line(order=order)
    quotes = [_line_quote(order=order, line=line, committed=committed.get(line.pk, 0), now=now) for line in lines]
    return RefundQuote(order=order, lines=quotes, quoted_at=now)
