"""Reconciliation runs in the staff console: Finance and Admin read them, newest first, with a result badge;
Support and Marketing do not; nobody adds, changes or deletes one. The run's one status door."""

import itertools
from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from commerce.models import ReconciliationRun
from commerce.reporting.runs import reconciliation_run_set_status
from commerce.tests.admin_fixtures import client_for, staff_in
from commerce.tests.factories import OrderFactory
from innerwork.accounts.tests.factories import UserFactory
from innerwork.core.tests.status_doors import walk_pair

pytestmark = pytest.mark.django_db

DAY = datetime(2026, 12, 3, tzinfo=UTC)
LIST = reverse("admin:commerce_reconciliationrun_changelist")


def _run(status="running", **fields) -> ReconciliationRun:
    """A run as the service writes it (created running; its outcome written on the row for these reads)."""
    run = ReconciliationRun.objects.create(
        period_start=DAY, period_end=DAY + timedelta(days=1), trigger="schedule", ran_by="beat on worker-1"
    )
    ReconciliationRun.objects.filter(pk=run.pk).update(status=status, **fields)
    run.refresh_from_db()
    return run


@pytest.fixture
def runs():
    order = OrderFactory()
    agreed = _run("agreed", started_at=DAY + timedelta(days=1, hours=3), charges_seen=4)
    differing = _run(
        "differences",
        started_at=DAY + timedelta(days=2, hours=3),
        differences=[
            {
                "kind": "paid_here_only",
                "order_number": order.number,
                "stripe_id": "pi_ghost",
                "message": "Recorded as paid ($15.00) but Stripe has no successful charge",
                "fixable": False,
            }
        ],
    )
    return agreed, differing, order


def _client(who: str):
    if who == "superuser":
        return client_for(UserFactory(is_staff=True, is_superuser=True))
    return client_for(staff_in(who))


@pytest.mark.parametrize(
    ("who", "reads"),
    [("Finance", True), ("Admin", True), ("superuser", True), ("Support", False), ("Marketing", False)],
)
def test_who_reads_the_runs(runs, who, reads):
    # given a member of staff in a role; when they open the list and a run
    client = _client(who)
    listing, detail = (
        client.get(LIST),
        client.get(reverse("admin:commerce_reconciliationrun_change", args=[runs[1].pk])),
    )

    # then Finance and Admin read both, anyone else is refused
    assert (listing.status_code, detail.status_code) == ((200, 200) if reads else (403, 403))


@pytest.mark.parametrize("who", ["Finance", "Admin", "superuser"])
def test_nobody_adds_changes_or_deletes_a_run(runs, who):
    client, run = _client(who), runs[0]
    change_url = reverse("admin:commerce_reconciliationrun_change", args=[run.pk])

    assert client.get(reverse("admin:commerce_reconciliationrun_add")).status_code == 403
    assert client.get(reverse("admin:commerce_reconciliationrun_delete", args=[run.pk])).status_code == 403
    assert client.post(change_url, {"status": "agreed", "error": "edited"}).status_code == 403
    run.refresh_from_db()
    assert (run.status, run.error) == ("agreed", "")


def test_the_list_shows_the_newest_run_first_with_its_result_badge(runs):
    agreed, differing, _ = runs

    page = _client("Finance").get(LIST).content.decode()

    assert page.index(f"/{differing.pk}/change/") < page.index(f"/{agreed.pk}/change/")
    assert '<span class="iw-badge iw-badge--error" data-status="differences">Differences</span>' in page
    assert '<span class="iw-badge iw-badge--success" data-status="agreed">Stripe agrees</span>' in page
    assert "css/staff_console.css" in page
    assert "2026-12-03" in page


def test_a_run_s_page_lists_its_differences_with_the_order_linked(runs):
    _, differing, order = runs

    page = _client("Finance").get(reverse("admin:commerce_reconciliationrun_change", args=[differing.pk]))

    html = page.content.decode()
    assert f'<a href="{reverse("admin:commerce_order_change", args=[order.pk])}">{order.number}</a>' in html
    assert "paid_here_only" in html
    assert "pi_ghost" in html
    assert 'name="status"' not in html


@pytest.mark.parametrize(
    ("start", "end", "label"),
    [
        (DAY, DAY + timedelta(days=1), "2026-12-03"),
        (DAY, DAY + timedelta(days=30), "2026-12-03 to 2027-01-01"),
        (DAY, None, "2026-12-03 to now"),
        (DAY + timedelta(hours=6), None, "2026-12-03 06:00 UTC to now"),
        (DAY + timedelta(hours=6), DAY + timedelta(hours=18), "2026-12-03 06:00 to 2026-12-03 18:00 UTC"),
    ],
)
def test_the_period_reads_as_staff_say_it(start, end, label):
    assert ReconciliationRun(period_start=start, period_end=end).period_label == label


S = ReconciliationRun.Status
RUN_MOVES = {(S.RUNNING, S.AGREED), (S.RUNNING, S.DIFFERENCES), (S.RUNNING, S.FAILED)}


@pytest.mark.parametrize(("from_status", "to_status"), list(itertools.product(S.values, repeat=2)))
def test_a_run_s_door_allows_exactly_one_move_from_running_to_its_outcome(from_status, to_status):
    run = _run(from_status)

    walk_pair(
        row=run,
        door=lambda row, to: reconciliation_run_set_status(run=row, status=to, changes={}),
        to_status=to_status,
        allowed=RUN_MOVES,
        same_is_noop=False,
    )
    if (from_status, to_status) in RUN_MOVES:
        assert ReconciliationRun.objects.get(pk=run.pk).finished_at is not None
