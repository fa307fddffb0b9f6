"""The zone a page shows times in, for whoever is looking: picked on the page, remembered for the visit.

Shared by every page that offers or shows times (mentors, coaches, sessions): `?tz=` wins and is
remembered for the rest of the visit, then the visit's choice, then the account's zone, then UTC.
Times travel in links and forms as UTC ISO 8601 (time_zones.utc_iso), never in the viewer's zone.
"""

from __future__ import annotations

import zoneinfo

from django.shortcuts import render
from django.utils import timezone

from innerwork.accounts.time_zones import is_valid_time_zone, time_zone_choices, utc_offset_label

TIME_ZONE_SESSION_KEY = "viewer_time_zone"


def viewer_zone(request) -> zoneinfo.ZoneInfo:
    """The zone times are shown in: ?tz= (remembered for this visit), the visit's, the account's, or UTC."""
    asked = request.GET.get("tz", "")
    if asked and is_valid_time_zone(asked):
        request.session[TIME_ZONE_SESSION_KEY] = asked
        return zoneinfo.ZoneInfo(asked)
    remembered = request.session.get(TIME_ZONE_SESSION_KEY, "")
    if remembered and is_valid_time_zone(remembered):
        return zoneinfo.ZoneInfo(remembered)
    account = getattr(request.user, "time_zone", "") if request.user.is_authenticated else ""
    return zoneinfo.ZoneInfo(account if account and is_valid_time_zone(account) else "UTC")


def zone_context(zone: zoneinfo.ZoneInfo) -> dict:
    """What templates/scheduling/partials/zone_form.html needs: the zone, its label and the choices."""
    return {
        "zone": zone.key,
        "zone_label": f"{zone.key.replace('_', ' ')} ({utc_offset_label(zone.key)})",
        "zone_groups": [
            (group, options) if not isinstance(options, str) else ("", [(group, options)])
            for group, options in time_zone_choices(include=zone.key)
        ],
    }


def render_in_zone(request, zone: zoneinfo.ZoneInfo, template: str, context: dict, status: int = 200):
    """Render with every date shown in `zone` and the zone form's context."""
    with timezone.override(zone):
        return render(request, template, {**context, **zone_context(zone)}, status=status)
