"""The sales report's figures for a range of days, in one currency, read from our own orders and refunds.

Definitions (all in minor units of `currency`; a day is a calendar day in the given time zone):
- revenue of a day: what orders paid on that day brought in (Order.amount_paid, by paid_at);
- refunds of a day: refunds Stripe confirmed on that day (Refund SUCCEEDED, by succeeded_at);
- net: revenue less refunds;
- top items: lines of the orders paid in the range, by (kind, ref, title), by revenue;
- coupon usage: orders paid in the range with a code, per code: orders and discount given;
- conversion: of the orders created in the range, how many were paid (at any time since).
"""

from __future__ import annotations

import csv
import datetime
import io
import zoneinfo
from dataclasses import dataclass

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncDate

from commerce.models import Order, OrderLine, Refund


@dataclass(frozen=True)
class DayFigures:
    day: datetime.date
    revenue: int
    refunds: int

    @property
    def net(self) -> int:
        return self.revenue - self.refunds


@dataclass(frozen=True)
class SalesReport:
    start: datetime.date
    end: datetime.date
    currency: str
    days: list[DayFigures]
    top_items: list[dict]
    coupons: list[dict]
    orders_created: int
    orders_paid: int

    @property
    def revenue(self) -> int:
        return sum(day.revenue for day in self.days)

    @property
    def refunds(self) -> int:
        return sum(day.refunds for day in self.days)

    @property
    def net(self) -> int:
        return self.revenue - self.refunds

    @property
    def conversion_percent(self) -> float | None:
        return round(100 * self.orders_paid / self.orders_created, 1) if self.orders_created else None


def _bounds(
    start: datetime.date, end: datetime.date, zone: datetime.tzinfo
) -> tuple[datetime.datetime, datetime.datetime]:
    """[start 00:00, the day after end 00:00) in `zone`."""
    first = datetime.datetime.combine(start, datetime.time.min, tzinfo=zone)
    after = datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone)
    return first, after


def sales_orders_in_range(*, start: datetime.date, end: datetime.date, zone=datetime.UTC):
    """Orders created from `start` to `end` (both included), oldest first, with their customer and lines."""
    first, after = _bounds(start, end, zone)
    return (
        Order.objects.filter(created_at__gte=first, created_at__lt=after)
        .select_related("user")
        .prefetch_related("lines")
        .order_by("created_at", "id")
    )


def sales_report(*, start: datetime.date, end: datetime.date, currency: str, zone=datetime.UTC) -> SalesReport:
    """Every figure of the sales page for the days `start`..`end` (included) in `zone`, for one currency."""
    if end < start:
        start, end = end, start
    first, after = _bounds(start, end, zone)
    paid = Order.objects.filter(currency=currency, paid_at__gte=first, paid_at__lt=after, amount_paid__gt=0)
    revenue = dict(
        paid.annotate(day=TruncDate("paid_at", tzinfo=zone)).values_list("day").annotate(total=Sum("amount_paid"))
    )
    refunded = dict(
        Refund.objects.filter(
            currency=currency, status=Refund.Status.SUCCEEDED, succeeded_at__gte=first, succeeded_at__lt=after
        )
        .annotate(day=TruncDate("succeeded_at", tzinfo=zone))
        .values_list("day")
        .annotate(total=Sum("amount"))
    )
    days = []
    day = start
    while day <= end:
        days.append(DayFigures(day=day, revenue=revenue.get(day, 0), refunds=refunded.get(day, 0)))
        day += datetime.timedelta(days=1)

    top_items = list(
        OrderLine.objects.filter(order__in=paid)
        .values("kind", "ref", "title")
        .annotate(sold=Sum("quantity"), revenue=Sum("total_amount"), refunded=Sum("refunded_amount"))
        .order_by("-revenue", "title")[:10]
    )
    coupons = list(
        paid.exclude(coupon_code="")
        .values("coupon_code")
        .annotate(orders=Count("id"), discount=Sum("discount_amount"), revenue=Sum("amount_paid"))
        .order_by("-orders", "coupon_code")
    )
    created = Order.objects.filter(currency=currency, created_at__gte=first, created_at__lt=after).aggregate(
        created=Count("id"), paid=Count("id", filter=Q(paid_at__isnull=False))
    )
    return SalesReport(
        start=start,
        end=end,
        currency=currency,
        days=days,
        top_items=top_items,
        coupons=coupons,
        orders_created=created["created"],
        orders_paid=created["paid"],
    )


def sales_currencies() -> list[str]:
    """Currencies that have orders, the most used first."""
    rows = Order.objects.values("currency").annotate(n=Count("id")).order_by("-n", "currency")
    return [row["currency"] for row in rows]


CSV_COLUMNS = [
    "number",
    "created_at",
    "paid_at",
    "status",
    "customer_email",
    "customer_name",
    "currency",
    "subtotal",
    "discount",
    "total",
    "paid",
    "refunded",
    "coupon",
    "kinds",
    "flagged",
]


def sales_orders_csv(*, orders, zone=datetime.UTC) -> str:
    """One row per order; amounts in minor units, datetimes ISO 8601 in `zone`."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)

    def when(value):
        return value.astimezone(zone).isoformat() if value else ""

    for order in orders:
        writer.writerow(
            [
                order.number,
                when(order.created_at),
                when(order.paid_at),
                order.status,
                order.user.email,
                order.billing_name or order.user.get_full_name(),
                order.currency,
                order.subtotal_amount,
                order.discount_amount,
                order.total_amount,
                order.amount_paid,
                order.amount_refunded,
                order.coupon_code,
                " ".join(sorted({line.kind for line in order.lines.all()})),
                "yes" if order.is_flagged and not order.flag_resolved_at else "",
            ]
        )
    return out.getvalue()


def zone_of(name: str | None) -> datetime.tzinfo:
    try:
        return zoneinfo.ZoneInfo(name or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return datetime.UTC
