"""Small helpers of the mentorship pages: a mentor's initials and avatar colour, a slot's UTC value."""

from datetime import UTC

from django import template

register = template.Library()


@register.filter
def initials(name: str) -> str:
    """ "Ana María López" → "AL": the first letters of the first and last words."""
    words = [word for word in str(name or "").split() if word[:1].isalpha()]
    if not words:
        return "?"
    return (words[0][0] + (words[-1][0] if len(words) > 1 else "")).upper()


@register.filter
def avatar_variant(pk) -> int:
    """One of six colours, stable per mentor."""
    return int(pk or 0) % 6


@register.filter
def utc_iso(value) -> str:
    """An instant as the UTC ISO 8601 string forms and links carry."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
