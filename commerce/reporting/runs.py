"""Recorded reconciliations: every `reconcile_stripe` run, from the command or the daily task, leaves a
ReconciliationRun staff read in the console, and a run that finds differences alerts Finance once.

The row is written (and committed) before Stripe is read, so a run that is still going, or that
died, shows as running. It is finished once, through `reconciliation_run_set_status`, in one
transaction with the alert: AGREED, DIFFERENCES (what remains after any repair), or FAILED with
the error when Stripe could not be read or the comparison broke; the error is raised again for
the caller (the command's exit code, the task's failure).

The alert goes to settings.STAFF_ALERT_EMAILS, like every staff alert, keyed by the period and
the differences found: a second run over the same period that finds the same differences (cron
and a person running it by hand, a retried task) sends nothing more; a new difference does.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from commerce.models import ReconciliationRun
from commerce.reporting.reconciliation import Difference, Reconciliation, reconciliation_run
from innerwork.core.emails import email_enqueue
from innerwork.core.status import status_move

STAFF_RECONCILIATION_TEMPLATE = "commerce/staff_reconciliation_differences"


def _as_record(difference: Difference) -> dict:
    return {
        "kind": difference.kind,
        "order_number": difference.order_number,
        "stripe_id": difference.stripe_id,
        "message": difference.message,
        "fixable": difference.fixable,
    }


def reconciliation_run_set_status(*, run: ReconciliationRun, status: str, changes: dict, reason: str = "") -> bool:
    """The one door of a run's status: from running to its outcome, once, stamping `finished_at`."""
    return status_move(run, status, changes={**changes, "finished_at": timezone.now()}, reason=reason)


def reconciliation_alert_key(*, run: ReconciliationRun) -> str:
    """The period and a digest of what differs: the same findings over the same period alert once."""
    found = sorted(f"{d['kind']}|{d['order_number']}|{d['stripe_id']}" for d in run.differences)
    digest = hashlib.sha256("\n".join(found).encode()).hexdigest()[:16]
    end = f"{run.period_end:%Y-%m-%dT%H:%M}" if run.period_end else "open"
    return f"reconciliation:{run.period_start:%Y-%m-%dT%H:%M}:{end}:{digest}"


def notify_finance_reconciliation_differences(*, run: ReconciliationRun) -> None:
    """Queue one alert to settings.STAFF_ALERT_EMAILS listing a run's differences, with a link to the run.

    Idempotent per period and findings (reconciliation_alert_key). Nothing is queued when nobody is
    listed; the console shows the run either way. Sent after the surrounding transaction commits.
    """
    recipients = list(settings.STAFF_ALERT_EMAILS)
    if not recipients:
        return
    email_enqueue(
        key=reconciliation_alert_key(run=run),
        to=recipients,
        template=STAFF_RECONCILIATION_TEMPLATE,
        context={
            "run": run,
            "differences": run.differences,
            "review_url": settings.SITE_URL + reverse("admin:commerce_reconciliationrun_change", args=[run.pk]),
        },
    )


def reconciliation_run_recorded(
    *, since: datetime, until: datetime | None = None, fix: bool = False, trigger: str, ran_by: str
) -> tuple[ReconciliationRun, Reconciliation]:
    """Run reconciliation_run over [since, until) and record it (see the module docstring).

    Returns the finished run and the result (whose differences carry their repairs, for the
    command to print). Any exception of the run is recorded as FAILED and raised again.
    """
    run = ReconciliationRun.objects.create(
        period_start=since, period_end=until, fix=fix, trigger=trigger, ran_by=ran_by[:255]
    )
    try:
        result = reconciliation_run(since=since, until=until, fix=fix)
    except Exception as exc:
        message = getattr(exc, "message", "") or str(exc) or type(exc).__name__
        reconciliation_run_set_status(
            run=run, status=ReconciliationRun.Status.FAILED, changes={"error": message}, reason=message
        )
        raise
    outcome = ReconciliationRun.Status.DIFFERENCES if result.differences else ReconciliationRun.Status.AGREED
    with transaction.atomic():
        reconciliation_run_set_status(
            run=run,
            status=outcome,
            changes={
                "charges_seen": result.charges_seen,
                "refunds_seen": result.refunds_seen,
                "differences": [_as_record(d) for d in result.differences],
                "repaired": [_as_record(d) for d in result.repaired],
                "repair_failures": [{**_as_record(d), "error": error} for d, error in result.repair_failures],
            },
            reason=f"{len(result.differences)} difference(s)",
        )
        if result.differences:
            notify_finance_reconciliation_differences(run=run)
    return run, result
