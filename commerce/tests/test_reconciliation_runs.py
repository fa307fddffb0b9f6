"""Every reconciliation is recorded for staff, from the command or the daily task, and differences alert Finance once.

Against the emulator, as test_reconciliation.py: a payment whose webhook never arrived, or an order
of ours that Stripe never charged, makes Stripe and the database disagree for real.
"""

from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from commerce.models import Order, ReconciliationRun
from commerce.reporting.reconciliation import PAID_HERE_ONLY, PAID_IN_STRIPE_ONLY
from commerce.reporting.runs import STAFF_RECONCILIATION_TEMPLATE
from commerce.tasks import yesterday_utc
from commerce.tests.factories import OrderFactory
from commerce.tests.test_reconciliation import pay, reconcile
from courses.tests.factories import CourseFactory
from innerwork.core.models import OutboxEmail, StatusChange
from innerwork.core.tests.beat import beat_job_run

pytestmark = pytest.mark.django_db(transaction=True)

FINANCE = ["finance@innerwork.test", "owner@innerwork.test"]


@pytest.fixture(autouse=True)
def _finance_listed(settings):
    settings.STAFF_ALERT_EMAILS = FINANCE


def alerts():
    return OutboxEmail.objects.filter(kind=STAFF_RECONCILIATION_TEMPLATE)


def test_a_clean_run_is_recorded_as_agreed_and_alerts_nobody(emulator, webhooks, buyer, client):
    # given a paid order that Stripe and we agree on
    pay(emulator, client, buyer, CourseFactory(price_amount=4900))

    # when cron runs the command
    code, out = reconcile()

    # then the run is recorded, finished, agreed, with what it compared and who ran it
    assert code == 0, out
    run = ReconciliationRun.objects.get()
    assert (run.status, run.trigger, run.fix, run.charges_seen, run.refunds_seen) == ("agreed", "command", False, 1, 0)
    assert run.differences == run.repaired == run.repair_failures == []
    assert run.started_at <= run.finished_at
    assert run.period_start == datetime.combine(
        (timezone.now() - timedelta(days=1)).date(), datetime.min.time(), tzinfo=UTC
    )
    assert run.period_end is None
    assert "@" in run.ran_by
    assert not alerts().exists()
    # and its one status move is on record
    moves = StatusChange.objects.filter(subject_type="commerce.reconciliationrun", subject_id=str(run.pk))
    assert list(moves.values_list("from_status", "to_status")) == [("running", "agreed")]


def test_a_run_with_a_difference_is_recorded_and_alerts_finance_once(emulator, webhooks, buyer, client, settings):
    # given a payment Stripe took whose webhook never arrived
    emulator.pause_webhooks()
    order = pay(emulator, client, buyer, CourseFactory(price_amount=4900), webhooks_paused=True)

    # when the command runs, and runs again over the same period
    assert reconcile()[0] == 1
    assert reconcile()[0] == 1

    # then both runs are recorded with the difference, and Finance got one alert naming it
    first, second = ReconciliationRun.objects.order_by("started_at", "id")
    for run in (first, second):
        assert run.status == "differences"
        assert [(d["kind"], d["order_number"], d["fixable"]) for d in run.differences] == [
            (PAID_IN_STRIPE_ONLY, order.number, True)
        ]
    alert = alerts().get()
    assert alert.to == FINANCE
    assert alert.subject.startswith("Stripe and InnerWork disagree: 1 difference for ")
    assert f"[{PAID_IN_STRIPE_ONLY}] {order.number}" in alert.body_text
    assert "(reconcile_stripe --fix repairs this)" in alert.body_text
    admin_url = settings.SITE_URL + reverse("admin:commerce_reconciliationrun_change", args=[first.pk])
    assert admin_url in alert.body_text
    assert f'href="{admin_url}"' in alert.body_html


def test_a_fix_run_records_what_it_repaired_and_agrees(emulator, webhooks, buyer, client):
    # given a payment whose webhook never arrived
    emulator.pause_webhooks()
    order = pay(emulator, client, buyer, CourseFactory(price_amount=4900), webhooks_paused=True)

    # when the command runs with --fix
    code, out = reconcile("--fix")

    # then the run agrees after the repair and says what it repaired; nobody is alerted
    assert code == 0, out
    run = ReconciliationRun.objects.get()
    assert (run.status, run.fix, run.differences) == ("agreed", True, [])
    assert [(d["kind"], d["order_number"]) for d in run.repaired] == [(PAID_IN_STRIPE_ONLY, order.number)]
    assert not alerts().exists()


def test_a_run_stripe_cannot_answer_is_recorded_as_failed_with_the_reason(emulator):
    # given Stripe failing to list charges
    emulator.fault("/v1/charges", "api_error", method="GET")

    # when the command runs, then it stops with the reason
    with pytest.raises(CommandError, match="Stripe could not be read"):
        call_command("reconcile_stripe", "--since", "2026-11-01", stdout=StringIO())

    # and the run is recorded as failed, with the error, and finished
    run = ReconciliationRun.objects.get()
    assert run.status == "failed"
    assert run.error
    assert run.finished_at is not None
    assert not alerts().exists()


def test_the_daily_task_reconciles_yesterday_and_records_it_as_scheduled(emulator, buyer):
    # given an order we recorded as paid yesterday that Stripe never charged
    since, until = yesterday_utc()
    ghost = OrderFactory(
        user=buyer,
        status=Order.Status.PAID,
        amount_paid=1500,
        subtotal_amount=1500,
        paid_at=since + timedelta(hours=12),
        payment_intent_id="pi_never_seen_by_stripe",
    )
    # and one paid today, outside yesterday's period
    OrderFactory(user=buyer, status=Order.Status.PAID, amount_paid=900, paid_at=until + timedelta(seconds=1))

    # when beat sends the daily job
    remaining = beat_job_run("reconcile_stripe")

    # then yesterday, and only yesterday, was compared, recorded as a scheduled run, and Finance alerted
    assert remaining == 1
    run = ReconciliationRun.objects.get()
    assert (run.period_start, run.period_end, run.trigger, run.status) == (since, until, "schedule", "differences")
    assert run.ran_by.startswith("commerce.tasks.reconcile_stripe_yesterday on ")
    assert [(d["kind"], d["order_number"]) for d in run.differences] == [(PAID_HERE_ONLY, ghost.number)]
    assert run.period_label == f"{since:%Y-%m-%d}"
    assert alerts().count() == 1
