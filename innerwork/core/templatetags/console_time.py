"""Times in the staff console: every one in the viewer's own zone (UserTimezoneMiddleware activates it), named.

`{{ when|console_time }}` → "4 Dec 2026, 22:15 CET"; `{{ when|console_day }}` → "4 Dec 2026" (the day in
that zone); `{% console_zone %}` → "Europe/Paris (CET)", said once at the top of a page. One format for
every time on a page, so nobody compares a UTC time with a local one.
"""

from __future__ import annotations

from datetime import datetime

from django import template
from django.utils import timezone
from django.utils.dateformat import format as date_format

register = template.Library()

TIME_FORMAT = "j M Y, H:i T"
DAY_FORMAT = "j M Y"


def _local(value) -> datetime | None:
    if not isinstance(value, datetime):
        return None
    return timezone.localtime(value) if timezone.is_aware(value) else value


@register.filter
def console_time(value) -> str:
    local = _local(value)
    return date_format(local, TIME_FORMAT) if local is not None else ""


@register.filter
def console_day(value) -> str:
    local = _local(value)
    return date_format(local, DAY_FORMAT) if local is not None else ""


@register.simple_tag
def console_zone() -> str:
    """The viewer's zone by name, with its abbreviation now: "Europe/Paris (CET)", "UTC"."""
    name = timezone.get_current_timezone_name()
    short = date_format(timezone.localtime(), "T")
    return name if short in ("", name) else f"{name} ({short})"
