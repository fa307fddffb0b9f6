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
from innerwork.scheduling.availability import (
    AvailabilityError,
    calendar_update,
    date_override_remove,
    date_override_set,
    weekly_hours_replace,
)
from innerwork.scheduling.models import Calendar
from innerwork.scheduling.services import calendar_for
from mentorship.bookings import BookingError, booking_finish
from mentorship.forms import (
    CalendarSettingsForm,
    DateOverrideForm,
    MentorProfileForm,
    OverrideRemoveForm,
    weekly_hours_formset,
    weekly_hours_formset_bound,
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
SETTINGS_SAVED = "Your calendar settings are saved."
HOURS_SAVED = "Your weekly hours are saved."
OVERRIDE_SAVED = "{day:%A %d %B %Y}: saved."
OVERRIDE_REMOVED = "{day:%A %d %B %Y}: your weekly hours apply again."
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


def _calendar_page(request, mentor: MentorProfile, calendar: Calendar, status: int = 200, **forms):
    now = timezone.now()
    zone = _zone(calendar)
    overrides = list(calendar.date_overrides.filter(date__gte=now.astimezone(zone).date()))
    context = {
        "mentor": mentor,
        "section": "calendar",
        "settings_form": forms.get("settings_form") or CalendarSettingsForm.for_calendar(calendar),
        "hours_formset": forms.get("hours_formset") or weekly_hours_formset(calendar.weekly_rules.all()),
        "override_form": forms.get("override_form") or DateOverrideForm(prefix="override"),
        "overrides": overrides,
        "preview_days": calendar_preview(mentor=mentor, zone=zone, now=now),
        "preview_minutes": preview_length(mentor=mentor),
    }
    return _render_in(request, calendar, "mentorship/mentor/calendar.html", context, status)


def _back_to(anchor: str):
    return redirect(f"{reverse('mentorship:mentor_calendar')}#{anchor}")


@login_required
@require_http_methods(["GET", "POST"])
def calendar_page(request):
    mentor = _mentor(request)
    calendar = calendar_for(mentor.user)
    if request.method == "GET":
        return _calendar_page(request, mentor, calendar)
    action = request.POST.get("form", "")
    if action == "settings":
        form = CalendarSettingsForm(request.POST, current_zone=calendar.time_zone)
        if form.is_valid():
            try:
                calendar_update(calendar=calendar, **form.settings_values())
            except AvailabilityError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, SETTINGS_SAVED)
                return _back_to("settings")
        return _calendar_page(request, mentor, calendar, 400, settings_form=form)
    if action == "hours":
        adding = "add" in request.POST
        formset = weekly_hours_formset_bound(request.POST, add_row=adding)
        if adding:
            # Only a new row to fill in: nothing is saved yet, the rows come back as they were typed.
            return _calendar_page(request, mentor, calendar, hours_formset=formset)
        if formset.is_valid():
            try:
                weekly_hours_replace(calendar=calendar, windows=formset.windows())
            except AvailabilityError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, HOURS_SAVED)
                return _back_to("hours")
        return _calendar_page(request, mentor, calendar, 400, hours_formset=formset)
    if action == "override":
        form = DateOverrideForm(request.POST, prefix="override")
        if form.is_valid():
            day = form.cleaned_data["date"]
            try:
                date_override_set(calendar=calendar, day=day, windows=form.windows())
            except AvailabilityError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, OVERRIDE_SAVED.format(day=day))
                return _back_to("overrides")
        return _calendar_page(request, mentor, calendar, 400, override_form=form)
    if action == "override-remove":
        form = OverrideRemoveForm(request.POST)
        if form.is_valid():
            day = form.cleaned_data["date"]
            date_override_remove(calendar=calendar, day=day)
            messages.success(request, OVERRIDE_REMOVED.format(day=day))
        return _back_to("overrides")
    return _calendar_page(request, mentor, calendar, 400)
