from django import template

from innerwork.core.money import format_money

register = template.Library()


@register.simple_tag
def money(amount_minor, currency):
    return format_money(amount_minor, currency)


@register.filter
def minutes(value):
    """Render a number of minutes as "1 h 25 min" / "40 min"."""
    value = int(value or 0)
    hours, mins = divmod(value, 60)
    if hours and mins:
        return f"{hours} h {mins} min"
    if hours:
        return f"{hours} h"
    return f"{mins} min"
