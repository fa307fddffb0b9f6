"""The calendar page every bookable person has (mentors, coaches): settings, weekly hours, date overrides, preview.

Written once here; each area wraps it in its own view (who may open it, its heading and tabs, its
URL) through `calendar_page_respond`. The page's four forms post to the same URL with a `form`
field naming which one; a saved form redirects back to its section (post/redirect/get) with a
message, a refused one comes back with its errors and status 400.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable
from datetime import datetime

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect

from innerwork.scheduling.availability import (
    AvailabilityError,
    calendar_update,
    date_override_remove,
    date_override_set,
    weekly_hours_replace,
)
from innerwork.scheduling.forms import (
    CalendarSettingsForm,
    DateOverrideForm,
    OverrideRemoveForm,
    weekly_hours_formset,
    weekly_hours_formset_bound,
)
from innerwork.scheduling.models import Calendar

SETTINGS_SAVED = "Your calendar settings are saved."
HOURS_SAVED = "Your weekly hours are saved."
OVERRIDE_SAVED = "{day:%A %d %B %Y}: saved."
OVERRIDE_REMOVED = "{day:%A %d %B %Y}: your weekly hours apply again."


def calendar_page_forms(*, calendar: Calendar, now: datetime, **bound) -> dict:
    """The page's forms (`bound` ones, as posted, replace the fresh ones) and the overrides from today on."""
    zone = zoneinfo.ZoneInfo(calendar.time_zone)
    return {
        "settings_form": bound.get("settings_form") or CalendarSettingsForm.for_calendar(calendar),
        "hours_formset": bound.get("hours_formset") or weekly_hours_formset(calendar.weekly_rules.all()),
        "override_form": bound.get("override_form") or DateOverrideForm(prefix="override"),
        "overrides": list(calendar.date_overrides.filter(date__gte=now.astimezone(zone).date())),
    }


def calendar_page_respond(
    request, *, calendar: Calendar, page: Callable[..., HttpResponse], back_url: str
) -> HttpResponse:
    """GET renders `page(status=200)`; POST saves the form it names and redirects to `back_url#section`, or
    renders `page(status=400, <form>=the bound form)` with its errors. `page(status, **bound)` renders the
    area's template with `calendar_page_forms(calendar=..., **bound)` in its context."""
    if request.method == "GET":
        return page(200)
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
                return redirect(f"{back_url}#settings")
        return page(400, settings_form=form)
    if action == "hours":
        adding = "add" in request.POST
        formset = weekly_hours_formset_bound(request.POST, add_row=adding)
        if adding:
            # Only a new row to fill in: nothing is saved yet, the rows come back as they were typed.
            return page(200, hours_formset=formset)
        if formset.is_valid():
            try:
                weekly_hours_replace(calendar=calendar, windows=formset.windows())
            except AvailabilityError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, HOURS_SAVED)
                return redirect(f"{back_url}#hours")
        return page(400, hours_formset=formset)
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
                return redirect(f"{back_url}#overrides")
        return page(400, override_form=form)
    if action == "override-remove":
        form = OverrideRemoveForm(request.POST)
        if form.is_valid():
            day = form.cleaned_data["date"]
            date_override_remove(calendar=calendar, day=day)
            messages.success(request, OVERRIDE_REMOVED.format(day=day))
        return redirect(f"{back_url}#overrides")
    return page(400)
