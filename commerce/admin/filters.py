"""The order list's filters: a real from/to date range, product kind, coupon code and flag state."""

from __future__ import annotations

import datetime

from django.contrib import admin
from django.db.models import Exists, OuterRef

from commerce.models import OrderLine
from commerce.registry import registered_kinds
from innerwork.core.admin_filters import FormListFilter, local_day_start, parse_date


class CreatedRangeFilter(FormListFilter):
    """Orders placed from one day to another, both days included, in the viewer's time zone."""

    title = "date placed"
    parameters = (("created_from", "From", "date"), ("created_to", "To", "date"))

    def queryset(self, request, queryset):
        start = parse_date(self.used_parameters.get("created_from"))
        end = parse_date(self.used_parameters.get("created_to"))
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
