"""What the pricing page shows: each product kind's prices now and refund policy (asked through the registry,
so commerce names no product app), and how paying, receipts and invoices work (from commerce's own settings).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings

from commerce.registry import KindPricing, registered_kinds

# Stripe Checkout takes the cards Stripe accepts; these are the brands a customer recognises.
ACCEPTED_CARDS = ("Visa", "Mastercard", "American Express", "Discover", "JCB", "Diners Club", "UnionPay")
REFUND_GENERAL = (
    "Ask for a refund from the order's page: when the policy below allows it, the refund is sent to the card you "
    "paid with straight away; otherwise our team reviews the request and tells you why."
)
REFUND_CREDIT_NOTE = "Every refund comes with a credit note that points at the invoice it corrects."


@dataclass(frozen=True)
class PricingPage:
    kinds: list[KindPricing]
    accepted_cards: tuple[str, ...]
    tax_rate: Decimal
    seller_name: str
    refund_general: str
    refund_credit_note: str


def pricing_page() -> PricingPage:
    """Every registered kind that has a pricing summary, in registration order; one or two queries per kind."""
    kinds = [summary for kind in registered_kinds().values() if (summary := kind.pricing()) is not None]
    return PricingPage(
        kinds=kinds,
        accepted_cards=ACCEPTED_CARDS,
        tax_rate=settings.INVOICE_TAX_RATE,
        seller_name=settings.SELLER_NAME,
        refund_general=REFUND_GENERAL,
        refund_credit_note=REFUND_CREDIT_NOTE,
    )
