"""Compare Stripe's charges and refunds with our orders and refunds, and optionally repair the differences.

python manage.py reconcile_stripe --since 2026-11-01               # report only
python manage.py reconcile_stripe --since 2026-11-01 --fix         # apply missing payments and refunds
python manage.py reconcile_stripe --since 2026-11-01 --until 2026-11-08

Exit code 0 when Stripe and InnerWork agree (after the fix, with --fix), 1 when differences remain.
Every run is recorded for staff (admin → Commerce → Reconciliation runs); differences alert Finance.
"""

import getpass
import socket
from datetime import UTC, datetime, time, timedelta

from django.core.management.base import BaseCommand, CommandError

from commerce.exceptions import PaymentProviderError
from commerce.models import ReconciliationRun
from commerce.reporting.runs import reconciliation_run_recorded


def _day(value: str) -> datetime:
    try:
        return datetime.combine(datetime.strptime(value, "%Y-%m-%d").date(), time.min, tzinfo=UTC)
    except ValueError:
        raise CommandError(f"“{value}” is not a date; write it as YYYY-MM-DD.") from None


def _who() -> str:
    """The system user and host running the command, as the run's record shows it."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (containers)
        user = "unknown user"
    return f"{user}@{socket.gethostname()}"


class Command(BaseCommand):
    help = "List every difference between Stripe's charges/refunds and our orders/refunds; --fix repairs them."

    def add_arguments(self, parser):
        parser.add_argument("--since", required=True, type=_day, help="First day (UTC), YYYY-MM-DD.")
        parser.add_argument("--until", type=_day, help="Last day (UTC), YYYY-MM-DD, included. Default: now.")
        parser.add_argument("--fix", action="store_true", help="Apply missing payments and refunds.")

    def handle(self, *args, since, until, fix, **options):
        end = until + timedelta(days=1) if until else None
        if end is not None and end <= since:
            raise CommandError("--until must not be before --since.")
        try:
            _, result = reconciliation_run_recorded(
                since=since, until=end, fix=fix, trigger=ReconciliationRun.Trigger.COMMAND, ran_by=_who()
            )
        except PaymentProviderError as exc:
            raise CommandError(f"Stripe could not be read: {exc.message}") from exc
        period = f"{since:%Y-%m-%d} to {(end - timedelta(days=1)):%Y-%m-%d}" if end else f"{since:%Y-%m-%d} to now"
        self.stdout.write(
            f"Stripe, {period}: {result.charges_seen} charge(s), {result.refunds_seen} refund(s) compared."
        )
        for difference in result.repaired:
            self.stdout.write(self.style.SUCCESS(f"repaired  {self._line(difference)}"))
        for difference, error in result.repair_failures:
            self.stdout.write(self.style.ERROR(f"not repaired  {self._line(difference)} — {error}"))
        for difference in result.differences:
            hint = " (--fix repairs this)" if difference.fixable and not fix else ""
            self.stdout.write(self.style.WARNING(f"difference  {self._line(difference)}{hint}"))
        if result.differences:
            self.stdout.write(self.style.ERROR(f"{len(result.differences)} difference(s) remain."))
            raise SystemExit(1)
        self.stdout.write(self.style.SUCCESS("Stripe and InnerWork agree."))

    @staticmethod
    def _line(difference) -> str:
        where = " ".join(part for part in (difference.order_number, difference.stripe_id) if part)
        return f"[{difference.kind}] {where}: {difference.message}"
