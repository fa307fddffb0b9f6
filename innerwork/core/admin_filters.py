"""Admin list filters any app's console can use: a from/to range drawn as a small GET form, in the viewer's zone."""

from __future__ import annotations

import datetime

from django.contrib import admin
from django.utils import timezone


def parse_date(value: str | None) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat((value or "").strip())
    except ValueError:
        return None


def local_day_start(day: datetime.date) -> datetime.datetime:
    """Midnight at the start of `day` in the viewer's time zone (datetimes are stored in UTC)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min), timezone.get_current_timezone())


class FormListFilter(admin.ListFilter):
    """A filter drawn as a small GET form (text or date inputs) that keeps the list's other parameters."""

    template = "admin/form_filter.html"
    parameters: tuple[tuple[str, str, str], ...] = ()  # (query parameter, label, input type)

    def __init__(self, request, params, model, model_admin):
        super().__init__(request, params, model, model_admin)
        for name, _label, _type in self.parameters:
            if name in params:
                self.used_parameters[name] = params.pop(name)[-1].strip()

    def expected_parameters(self):
        return [name for name, _label, _type in self.parameters]

    def has_output(self):
        return True

    def choices(self, changelist):
        # The template reads `fields` and `keep` from the single "choice" below.
        kept = [
            (key, value)
            for key, values in changelist.filter_params.items()
            if key not in self.expected_parameters()
            for value in values
        ]
        yield {
            "fields": [
                {"name": name, "label": label, "type": kind, "value": self.used_parameters.get(name, "")}
                for name, label, kind in self.parameters
            ],
            "keep": kept,
            "clear_url": changelist.get_query_string(remove=self.expected_parameters()),
            "active": any(self.used_parameters.values()),
        }
