"""Template helpers of pages that offer times: a slot's UTC value for forms and links."""

from django import template

from innerwork.accounts.time_zones import utc_iso

register = template.Library()
register.filter("utc_iso", utc_iso)
