"""Small helpers of the mentorship pages: a mentor's initials and avatar colour, a slot's UTC value."""

from django import template

from innerwork.accounts.time_zones import utc_iso

register = template.Library()
register.filter("utc_iso", utc_iso)


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
