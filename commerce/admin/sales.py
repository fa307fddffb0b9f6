"""The sales page in admin (permission commerce.view_sales): figures for a range, a server-drawn SVG chart, CSV.

Reached at /admin/commerce/order/sales/ and linked from the admin index. No JavaScript: the chart is
SVG computed here, so it prints, needs no CDN and works with scripts off.
"""

from __future__ import annotations

import datetime

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone

from commerce.reporting.sales import sales_currencies, sales_orders_csv, sales_orders_in_range, sales_report
from innerwork.core.money import format_money

PERMISSION = "commerce.view_sales"
DEFAULT_DAYS = 30
MAX_DAYS = 366
RANGE_TOO_LONG = f"Choose at most {MAX_DAYS} days."
RANGE_BACKWARDS = "The end date must be on or after the start date."

CHART_WIDTH, CHART_HEIGHT = 900, 260
PAD_LEFT, PAD_RIGHT, PAD_TOP, PAD_BOTTOM = 70, 10, 12, 28


class SalesRangeForm(forms.Form):
    start = forms.DateField(label="From", widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="To", widget=forms.DateInput(attrs={"type": "date"}))
    currency = forms.ChoiceField(required=False)

    def __init__(self, *args, currencies: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["currency"].choices = [(code, code.upper()) for code in currencies or ["usd"]]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end:
            if end < start:
                raise forms.ValidationError(RANGE_BACKWARDS)
            if (end - start).days + 1 > MAX_DAYS:
                raise forms.ValidationError(RANGE_TOO_LONG)
        return cleaned


def _range_form(request) -> SalesRangeForm:
    currencies = sales_currencies()
    today = timezone.localdate()
    data = request.GET.copy()
    data.setdefault("start", (today - datetime.timedelta(days=DEFAULT_DAYS - 1)).isoformat())
    data.setdefault("end", today.isoformat())
    data.setdefault("currency", currencies[0] if currencies else "usd")
    return SalesRangeForm(data, currencies=currencies)


def sales_chart(*, days, currency: str) -> dict:
    """Bars for revenue (up) and refunds (down) per day and a line for net, in SVG coordinates."""
    top = max([day.revenue for day in days] + [day.net for day in days] + [1])
    bottom = max([day.refunds for day in days] + [-day.net for day in days] + [0])
    plot_w = CHART_WIDTH - PAD_LEFT - PAD_RIGHT
    plot_h = CHART_HEIGHT - PAD_TOP - PAD_BOTTOM
    scale = plot_h / (top + bottom)
    zero = PAD_TOP + top * scale
    slot = plot_w / max(len(days), 1)
    bar = max(min(slot * 0.35, 18), 1)
    bars, points, labels = [], [], []
    every = max(1, round(len(days) / 8))
    for index, day in enumerate(days):
        x = PAD_LEFT + index * slot + slot / 2
        title = (
            f"{day.day:%b %-d}: revenue {format_money(day.revenue, currency)}, "
            f"refunds {format_money(day.refunds, currency)}, net {format_money(day.net, currency)}"
        )
        bars.append(
            {
                "x_revenue": round(x - bar, 1),
                "x_refunds": round(x, 1),
                "width": round(bar, 1),
                "y_revenue": round(zero - day.revenue * scale, 1),
                "h_revenue": round(day.revenue * scale, 1),
                "y_refunds": round(zero, 1),
                "h_refunds": round(day.refunds * scale, 1),
                "title": title,
            }
        )
        points.append(f"{x:.1f},{zero - day.net * scale:.1f}")
        last = index == len(days) - 1
        if index % every == 0 or (last and index % every >= every / 2):
            labels.append({"x": round(x, 1), "text": f"{day.day:%b %-d}"})
    return {
        "width": CHART_WIDTH,
        "height": CHART_HEIGHT,
        "zero": round(zero, 1),
        "left": PAD_LEFT,
        "right": CHART_WIDTH - PAD_RIGHT,
        "label_y": CHART_HEIGHT - 8,
        "top_label": format_money(top, currency),
        "bottom_label": f"−{format_money(bottom, currency)}" if bottom else "",
        "top_y": PAD_TOP + 4,
        "bottom_y": CHART_HEIGHT - PAD_BOTTOM,
        "bars": bars,
        "net_points": " ".join(points),
        "labels": labels,
    }


def sales_view(model_admin, request):
    if not request.user.has_perm(PERMISSION):
        raise PermissionDenied
    form = _range_form(request)
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "title": "Sales",
        "form": form,
    }
    if form.is_valid():
        data = form.cleaned_data
        zone = timezone.get_current_timezone()
        report = sales_report(start=data["start"], end=data["end"], currency=data["currency"], zone=zone)
        context.update(
            report=report,
            chart=sales_chart(days=report.days, currency=report.currency),
            csv_url=f"{reverse('admin:commerce_order_sales_csv')}?{request.GET.urlencode()}",
        )
    return TemplateResponse(request, "admin/commerce/sales/report.html", context)


def sales_csv_view(model_admin, request):
    """Orders created in the range (every status and currency) as CSV; amounts in minor units."""
    if not request.user.has_perm(PERMISSION):
        raise PermissionDenied
    form = _range_form(request)
    if not form.is_valid():
        return HttpResponse("Choose a valid date range.", status=400, content_type="text/plain")
    start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    zone = timezone.get_current_timezone()
    body = sales_orders_csv(orders=sales_orders_in_range(start=start, end=end, zone=zone), zone=zone)
    response = HttpResponse(body, content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="orders-{start}-to-{end}.csv"'
    return response
