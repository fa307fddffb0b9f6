"""The mentor's own pages: their sessions and numbers, their profile, their calendar (hours, overrides, preview).

Open to a user whose mentor profile is approved or waiting for approval; anyone else gets 404 (an
anonymous visitor is sent to log in first). Times are in the mentor's calendar zone, the zone their
hours are set in. Each view parses the request, calls one service or selector and renders; a
successful write redirects (post/redirect/get) with a message.
"""

from __future__ import annotations

import zoneinfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from innerwork.accounts.time_zones import utc_offset_label
from innerwork.scheduling.calendar_page import (  # noqa: F401  (the messages' names stay here for callers)
    HOURS_SAVED,
    OVERRIDE_REMOVED,
    OVERRIDE_SAVED,
    SETTINGS_SAVED,
    calendar_page_forms,
    calendar_page_respond,
)
from innerwork.scheduling.models import Calendar
from innerwork.scheduling.services import calendar_for
from mentorship.bookings import BookingError, booking_finish
from mentorship.forms import (
    MentorProfileForm,
)
from mentorship.models import Booking, MentorProfile
from mentorship.selectors import (
    calendar_preview,
    mentor_booking,
    mentor_profile_for_area,
    mentor_sessions,
    mentor_stats,
    preview_length,
)
from mentorship.services import mentor_profile_update

PROFILE_SAVED = "Your profile is saved."
SESSION_MARKED = "Session {number} marked {what}."
STATS_MONTHS = 6


def _mentor(request) -> MentorProfile:
    mentor = mentor_profile_for_area(user=request.user)
    if mentor is None:
        raise Http404("No mentor area for this account")
    return mentor


def _zone(calendar: Calendar) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(calendar.time_zone)


def _render_in(request, calendar: Calendar, template: str, context: dict, status: int = 200):
    zone = _zone(calendar)
    context = {
        **context,
        "calendar": calendar,
        "zone_label": f"{calendar.time_zone.replace('_', ' ')} ({utc_offset_label(calendar.time_zone)})",
    }
    with timezone.override(zone):
        return render(request, template, context, status=status)


@login_required
@require_http_methods(["GET"])
def overview(request):
    mentor = _mentor(request)
    calendar = calendar_for(mentor.user)
    now = timezone.now()
    upcoming, to_finish = mentor_sessions(mentor=mentor, now=now)
    stats = mentor_stats(mentor=mentor, zone=_zone(calendar), now=now, months=STATS_MONTHS)
    context = {"mentor": mentor, "upcoming": upcoming, "to_finish": to_finish, "stats": stats, "section": "overview"}
    return _render_in(request, calendar, "mentorship/mentor/overview.html", context)


@login_required
@require_POST
def session_finish(request, number: str):
    mentor = _mentor(request)
    try:
        booking = mentor_booking(mentor=mentor, number=number)
    except Booking.DoesNotExist:
        raise Http404("No such session") from None
    no_show = request.POST.get("outcome") == "no_show"
    try:
        booking = booking_finish(booking=booking, actor=request.user, no_show=no_show)
    except BookingError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, SESSION_MARKED.format(number=booking.number, what=booking.get_status_display().lower())
        )
    return redirect("mentorship:mentor_area")


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    mentor = _mentor(request)
    form = MentorProfileForm(request.POST or None, instance=mentor)
    if request.method == "POST" and form.is_valid():
        try:
            mentor_profile_update(mentor=mentor, **form.profile_values())
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, PROFILE_SAVED)
            return redirect("mentorship:mentor_profile")
    calendar = calendar_for(mentor.user)
    status = 400 if form.is_bound else 200
    return _render_in(
        request,
        calendar,
        "mentorship/mentor/profile.html",
        {"mentor": mentor, "form": form, "section": "profile"},
        status,
    )


def _calendar_page(request, mentor: MentorProfile, calendar: Calendar, status: int = 200, **bound):
    now = timezone.now()
    context = {
        "mentor": mentor,
        "section": "calendar",
        "calendar_url": reverse("mentorship:mentor_calendar"),
        **calendar_page_forms(calendar=calendar, now=now, **bound),
        "preview_days": calendar_preview(mentor=mentor, zone=_zone(calendar), now=now),
        "preview_minutes": preview_length(mentor=mentor),
    }
    return _render_in(request, calendar, "mentorship/mentor/calendar.html", context, status)


@login_required
@require_http_methods(["GET", "POST"])
def calendar_page(request):
    mentor = _mentor(request)
    calendar = calendar_for(mentor.user)
    return calendar_page_respond(
        request,
        calendar=calendar,
        page=lambda status, **bound: _calendar_page(request, mentor, calendar, status, **bound),
        back_url=reverse("mentorship:mentor_calendar"),
    )
