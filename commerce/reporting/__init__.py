"""Figures for staff: the sales report and the reconciliation of our orders with Stripe's charges."""

from commerce.reporting.reconciliation import Reconciliation, reconciliation_compare, reconciliation_run
from commerce.reporting.runs import reconciliation_run_recorded
from commerce.reporting.sales import SalesReport, sales_currencies, sales_orders_csv, sales_report

__all__ = [
    "Reconciliation",
    "SalesReport",
    "reconciliation_compare",
    "reconciliation_run",
    "reconciliation_run_recorded",
    "sales_currencies",
    "sales_orders_csv",
    "sales_report",
]
