"""The sales page: exact figures for a seeded set of orders, the SVG chart, CSV export, who may see it."""

import csv
import io
from datetime import datetime, timedelta

import pytest
from django.urls import reverse

from commerce.models import Order, Refund
from commerce.reporting.sales import CSV_COLUMNS, sales_report
from commerce.tests.admin_fixtures import clients_by_role
from commerce.tests.factories import CouponFactory, OrderFactory, paid_order

pytestmark = pytest.mark.django_db

SALES = reverse("admin:commerce_order_sales")
EXPORT = reverse("admin:commerce_order_sales_csv")
RANGE = {"start": "2026-11-01", "end": "2026-11-07", "currency": "usd"}


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text + "+00:00")


def succeeded_refund(order, amount, when, key):
    return Refund.objects.create(
        order=order,
        amount=amount,
        currency=order.currency,
        source="staff",
        reason="r",
        idempotency_key=key,
        status=Refund.Status.SUCCEEDED,
        succeeded_at=utc(when),
    )


@pytest.fixture
def seeded():
    """Nov 1: two orders (4900 + 12800 with code AUTUMN); Nov 3: one 7900; a refund of 4900 on Nov 4;
    outside the range: Oct 31 and Nov 8 orders, a refund on Nov 8, a failed refund, a EUR order, an unpaid order."""
    autumn = CouponFactory(code="AUTUMN")
    a = paid_order(lines=(4900,), titles=["Calm"], refs=["1"], paid_at=utc("2026-11-01T09:00:00"))
    b = paid_order(lines=(4900, 7900), titles=["Calm", "Kind"], refs=["1", "2"], paid_at=utc("2026-11-01T23:30:00"))
    Order.objects.filter(pk=b.pk).update(coupon=autumn, coupon_code="AUTUMN", discount_amount=0)
    c = paid_order(lines=(7900,), titles=["Kind"], refs=["2"], paid_at=utc("2026-11-03T12:00:00"))
    before = paid_order(lines=(1000,), paid_at=utc("2026-10-31T23:59:00"))
    after = paid_order(lines=(2000,), paid_at=utc("2026-11-08T00:00:00"))
    paid_order(lines=(3000,), paid_at=utc("2026-11-02T10:00:00"), currency="eur")
    succeeded_refund(a, 4900, "2026-11-04T10:00:00", "in-range")
    succeeded_refund(c, 1000, "2026-11-08T10:00:00", "after-range")
    failed = succeeded_refund(b, 500, "2026-11-05T10:00:00", "failed")
    Refund.objects.filter(pk=failed.pk).update(status=Refund.Status.FAILED)
    unpaid = OrderFactory(subtotal_amount=4900)
    created = {a: "2026-11-01T08:00", b: "2026-11-01T23:00", c: "2026-11-02T12:00", unpaid: "2026-11-05T12:00"}
    created |= {before: "2026-10-31T22:00", after: "2026-11-07T23:50"}
    for order, when in created.items():
        Order.objects.filter(pk=order.pk).update(created_at=utc(when))
    return {"a": a, "b": b, "c": c, "unpaid": unpaid, "after": after}


def test_figures_are_exact_for_the_range(seeded):
    report = sales_report(start=datetime(2026, 11, 1).date(), end=datetime(2026, 11, 7).date(), currency="usd")
    by_day = {day.day.isoformat(): (day.revenue, day.refunds, day.net) for day in report.days}
    assert len(report.days) == 7
    assert by_day["2026-11-01"] == (4900 + 12800, 0, 17700)
    assert by_day["2026-11-03"] == (7900, 0, 7900)
    assert by_day["2026-11-04"] == (0, 4900, -4900)
    assert (report.revenue, report.refunds, report.net) == (25600, 4900, 20700)
    assert [(i["title"], i["sold"], i["revenue"]) for i in report.top_items] == [("Kind", 2, 15800), ("Calm", 2, 9800)]
    assert report.coupons == [{"coupon_code": "AUTUMN", "orders": 1, "discount": 0, "revenue": 12800}]
    # created Nov 1-7 in USD: a, b, c, unpaid, after (created Nov 7, paid Nov 8) -> 4 of 5 paid
    assert (report.orders_created, report.orders_paid, report.conversion_percent) == (5, 4, 80.0)


def test_days_follow_the_viewers_time_zone(seeded):
    import zoneinfo

    # 23:30 UTC on Nov 1 is already Nov 2 in Tokyo, and 23:59 UTC on Oct 31 is Nov 1 there.
    report = sales_report(
        start=datetime(2026, 11, 1).date(),
        end=datetime(2026, 11, 2).date(),
        currency="usd",
        zone=zoneinfo.ZoneInfo("Asia/Tokyo"),
    )
    assert [(day.day.isoformat(), day.revenue) for day in report.days] == [
        ("2026-11-01", 1000 + 4900),
        ("2026-11-02", 12800),
    ]


def test_the_page_shows_totals_a_chart_top_items_coupons_and_conversion(seeded):
    client = clients_by_role()["Finance"]
    response = client.get(SALES, RANGE)
    html = response.content.decode()
    assert response.status_code == 200
    assert '<span class="' not in html.split('data-kpi="revenue">')[1][:5]
    assert 'data-kpi="revenue">$256.00<' in html
    assert 'data-kpi="refunds">$49.00<' in html
    assert 'data-kpi="net">$207.00<' in html
    assert "4 / 5" in html
    assert "<svg" in html
    assert "<polyline" in html
    assert html.count('class="iw-chart__revenue"') == 7
    assert 'data-coupon="AUTUMN"' in html
    assert "Kind" in html
    assert '<script src="http' not in html
    assert "cdn" not in html.lower()


def test_the_csv_lists_the_orders_created_in_the_range(seeded):
    client = clients_by_role()["Marketing"]
    response = client.get(EXPORT, RANGE)
    assert response["Content-Type"] == "text/csv"
    assert 'filename="orders-2026-11-01-to-2026-11-07.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == CSV_COLUMNS
    numbers = [row[0] for row in rows[1:]]
    expected = [seeded[key].number for key in ("a", "b", "c", "unpaid", "after")]
    assert sorted(numbers) == sorted(expected)
    b_row = dict(zip(CSV_COLUMNS, next(row for row in rows if row[0] == seeded["b"].number), strict=True))
    assert (b_row["total"], b_row["paid"], b_row["coupon"], b_row["status"]) == ("12800", "12800", "AUTUMN", "paid")
    assert b_row["created_at"] == "2026-11-01T23:00:00+00:00"


@pytest.mark.parametrize(("role", "status"), [("Support", 403), ("Finance", 200), ("Marketing", 200), ("Admin", 200)])
def test_who_may_see_sales(role, status):
    client = clients_by_role()[role]
    assert client.get(SALES).status_code == status
    assert client.get(EXPORT).status_code == status
    index = client.get(reverse("admin:index")).content.decode()
    assert (SALES in index) is (status == 200)


def test_a_backwards_or_too_long_range_is_explained():
    client = clients_by_role()["Finance"]
    backwards = client.get(SALES, {"start": "2026-11-07", "end": "2026-11-01"}).content.decode()
    assert "The end date must be on or after the start date." in backwards
    too_long = client.get(SALES, {"start": "2024-01-01", "end": "2026-01-01"}).content.decode()
    assert "Choose at most 366 days." in too_long
    assert client.get(EXPORT, {"start": "2026-11-07", "end": "2026-11-01"}).status_code == 400


def test_the_default_range_is_the_last_30_days():
    order = paid_order(lines=(4900,))
    Order.objects.filter(pk=order.pk).update(paid_at=order.paid_at - timedelta(days=1))
    html = clients_by_role()["Admin"].get(SALES).content.decode()
    assert 'data-kpi="revenue">$49.00<' in html
