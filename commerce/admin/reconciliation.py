"""Staff console for reconciliation with Stripe: every run of `reconcile_stripe` (the command or the daily task),
newest first, with what it compared and every difference it found. Read-only: runs are written by
commerce.reporting.runs. Finance and Admin read them (commerce.view_reconciliationrun); Support does not.
"""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from commerce.models import Order, ReconciliationRun
from innerwork.core.admin_tools import RecordAdmin, status_badge_html

RESULT_TONES = {
    ReconciliationRun.Status.AGREED: "success",
    ReconciliationRun.Status.DIFFERENCES: "error",
    ReconciliationRun.Status.FAILED: "error",
    ReconciliationRun.Status.RUNNING: "info",
}
NOTHING = "None."


@admin.register(ReconciliationRun)
class ReconciliationRunAdmin(RecordAdmin):
    # Result and period first: on a phone they are what shows before the table scrolls.
    list_display = ("period", "result", "difference_count", "started_at", "trigger")
    list_display_links = ("period",)
    list_filter = ("status", "trigger", "fix")
    date_hierarchy = "started_at"
    ordering = ("-started_at", "-id")
    fields = (
        "period",
        "result",
        "fix",
        "trigger",
        "ran_by",
        "started_at",
        "finished_at",
        "compared",
        "differences_table",
        "repaired_table",
        "repair_failures_table",
        "error",
    )
    readonly_fields = fields

    class Media:
        css = {"all": ["css/staff_console.css"]}  # the result badges

    @admin.display(description="period (UTC)", ordering="period_start")
    def period(self, run):
        return run.period_label

    @admin.display(description="result", ordering="status")
    def result(self, run):
        return status_badge_html(status=run.status, label=run.get_status_display(), tones=RESULT_TONES)

    @admin.display(description="differences")
    def difference_count(self, run):
        return run.difference_count

    @admin.display(description="compared")
    def compared(self, run):
        return f"{run.charges_seen} Stripe charge(s), {run.refunds_seen} Stripe refund(s)"

    @admin.display(description="differences that remain")
    def differences_table(self, run):
        return self._table(run.differences)

    @admin.display(description="repaired by --fix")
    def repaired_table(self, run):
        return self._table(run.repaired)

    @admin.display(description="not repaired")
    def repair_failures_table(self, run):
        return self._table(run.repair_failures, with_error=True)

    @staticmethod
    def _table(rows: list[dict], *, with_error: bool = False):
        if not rows:
            return NOTHING
        numbers = {row["order_number"] for row in rows if row["order_number"]}
        order_ids = dict(Order.objects.filter(number__in=numbers).values_list("number", "pk"))

        def order_cell(number: str):
            if number not in order_ids:
                return number or "—"
            return format_html(
                '<a href="{}">{}</a>', reverse("admin:commerce_order_change", args=[order_ids[number]]), number
            )

        # A list rather than a table: the message is long, and a list wraps on a phone.
        items = format_html_join(
            "",
            "<li><strong>{}</strong> · {} · {}<br>{}</li>",
            (
                (
                    row["kind"],
                    order_cell(row["order_number"]),
                    row["stripe_id"] or "—",
                    f"{row['message']} — {row['error']}" if with_error else row["message"],
                )
                for row in rows
            ),
        )
        return format_html('<ul class="iw-reconciliation">{}</ul>', items)
