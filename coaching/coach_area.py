"""The coach's own pages: their clients (conversations waiting for a proposal first, open proposals,
contracts) and their calendar (weekly hours, date overrides, settings: when students can book them).

Open to a user whose coach profile is approved or waiting for approval; anyone else gets 404 (an
anonymous visitor is sent to log in first). The calendar is the person's one scheduling calendar,
edited with the page innerwork.scheduling.calendar_page shares with the mentor area, so a coach
who also mentors sets their hours once and is never booked twice. Times read in the calendar's zone.
"""

from __future__ import annotations

import zoneinfo

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from coaching.models import CoachProfile
from coaching.selectors import coach_area, coach_profile_for_area
from innerwork.accounts.time_zones import utc_offset_label
from innerwork.scheduling.calendar_page import calendar_page_forms, calendar_page_respond
from innerwork.scheduling.selectors import calendar_preview_days
from innerwork.scheduling.services import calendar_for

PREVIEW_MINUTES = 60


def _coach(request) -> CoachProfile:
    coach = coach_profile_for_area(user=request.user)
    if coach is None:
        raise Http404("No coach area for this account")
    return coach


@login_required
@require_GET
def overview(request):
    coach = _coach(request)
    context = {"coach": coach, "area": coach_area(coach=coach), "section": "clients"}
    return render(request, "coaching/coach_area/overview.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def calendar_page(request):
    coach = _coach(request)
    calendar = calendar_for(coach.user)
    url = reverse("coaching:coach_calendar")

    def page(status: int, **bound):
        zone = zoneinfo.ZoneInfo(calendar.time_zone)
        now = timezone.now()
        context = {
            "coach": coach,
            "section": "calendar",
            "calendar": calendar,
            "calendar_url": url,
            "zone_label": f"{calendar.time_zone.replace('_', ' ')} ({utc_offset_label(calendar.time_zone)})",
            **calendar_page_forms(calendar=calendar, now=now, **bound),
            "preview_days": calendar_preview_days(host=coach.user_id, minutes=PREVIEW_MINUTES, zone=zone, now=now),
            "preview_minutes": PREVIEW_MINUTES,
        }
        with timezone.override(zone):
            return render(request, "coaching/coach_area/calendar.html", context, status=status)

    return calendar_page_respond(request, calendar=calendar, page=page, back_url=url)
