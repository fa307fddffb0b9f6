"""The order list's filters: a real from/to date range, product kind, coupon code and flag state."""

from __future__ import annotations

import datetime

from django.contrib import admin
from django.db.models import Exists, OuterRef
from django.utils import timezone

from commerce.models import OrderLine
from commerce.registry import registered_kinds


def _date(value: str | None) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat((value or "").strip())
    except ValueError:
        return None


def local_day_start(day: datetime.date) -> datetime.datetime:
    """Midnight at the start of `day` in the viewer's time zone (datetimes are stored in UTC)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min), timezone.get_current_timezone())


class FormListFilter(admin.ListFilter):
    """A filter drawn as a small GET form (text or date inputs) that keeps the list's other parameters."""

    template = "admin/commerce/order/form_filter.html"
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


class CreatedRangeFilter(FormListFilter):
    """Orders placed from one day to another, both days included, in the viewer's time zone."""

    title = "date placed"
    parameters = (("created_from", "From", "date"), ("created_to", "To", "date"))

    def queryset(self, request, queryset):
        start = _date(self.used_parameters.get("created_from"))
        end = _date(self.used_parameters.get("created_to"))
        if start:
            queryset = queryset.filter(created_at__gte=local_day_start(start))
        if end:
            queryset = queryset.filter(created_at__lt=local_day_start(end + datetime.timedelta(days=1)))
        return queryset


class CouponCodeFilter(FormListFilter):
    title = "coupon"
    parameters = (("coupon_code", "Code", "text"),)

    def queryset(self, request, queryset):
        code = self.used_parameters.get("coupon_code")
        return queryset.filter(coupon_code__iexact=code) if code else queryset


class ProductKindFilter(admin.SimpleListFilter):
    title = "product kind"
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        return [(kind, handler.label) for kind, handler in sorted(registered_kinds().items())]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        return queryset.filter(Exists(OrderLine.objects.filter(order=OuterRef("pk"), kind=self.value())))


class FlagFilter(admin.SimpleListFilter):
    title = "flag"
    parameter_name = "flag"

    def lookups(self, request, model_admin):
        return [("open", "Needs review"), ("resolved", "Resolved"), ("none", "Never flagged")]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "open":
            return queryset.filter(is_flagged=True, flag_resolved_at__isnull=True)
        if value == "resolved":
            return queryset.filter(is_flagged=True, flag_resolved_at__isnull=False)
        if value == "none":
            return queryset.filter(is_flagged=False)
        return queryset
