"""Filters for order pages and e-mails: card names, status badges and timeline tones."""

from django import template
from django.utils import timezone

from commerce.models import Order

register = template.Library()

_CARD_BRANDS = {
    "amex": "American Express",
    "cartes_bancaires": "Cartes Bancaires",
    "diners": "Diners Club",
    "discover": "Discover",
    "eftpos_au": "eftpos",
    "jcb": "JCB",
    "mastercard": "Mastercard",
    "unionpay": "UnionPay",
    "visa": "Visa",
}

_STATUS_TONES = {
    Order.Status.PAID: "success",
    Order.Status.PENDING: "warning",
    Order.Status.FAILED: "danger",
    Order.Status.PARTIALLY_REFUNDED: "muted",
    Order.Status.REFUNDED: "muted",
    Order.Status.CANCELED: "muted",
    Order.Status.EXPIRED: "muted",
}


@register.filter
def card_brand(brand: str) -> str:
    """Stripe's brand code as people write it: "amex" → "American Express"."""
    brand = (brand or "").strip().lower()
    return _CARD_BRANDS.get(brand, brand.replace("_", " ").title())


@register.filter
def status_tone(status: str) -> str:
    """The badge colour for an order status: paid is green, awaiting payment amber, failed red."""
    return _STATUS_TONES.get(status, "muted")


@register.filter
def event_tone(event_type: str) -> str:
    """A timeline dot colour from the event type's words: paid, failed, flagged, refunded, expired..."""
    words = set(str(event_type).replace(".", "_").split("_"))
    if words & {"failed", "declined"}:
        return "danger"
    if words & {"flagged", "review"}:
        return "warning"
    if words & {"expired", "canceled", "cancelled", "released"}:
        return "muted"
    if words & {"refunded", "refund"}:
        return "refund"
    if words & {"paid", "fulfilled", "completed", "succeeded", "redeemed", "resolved"}:
        return "success"
    return "neutral"


@register.simple_tag
def current_zone_name() -> str:
    """The viewer's time zone as the account page names it: "America/New York"."""
    return str(timezone.get_current_timezone()).replace("_", " ")
