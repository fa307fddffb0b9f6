from django.core.management.base import BaseCommand

from coaching.contract_end import contracts_end_due, contracts_warn_expiring


class Command(BaseCommand):
    help = (
        "Run from cron (every 10 minutes is fine): tell both people a week before a coaching contract ends "
        "that sessions are left, and complete the contracts whose end date has passed (unused sessions expire)."
    )

    def handle(self, *args, **options):
        warned = contracts_warn_expiring()
        ended = contracts_end_due()
        self.stdout.write(f"Warned {warned} contract{'s' if warned != 1 else ''}; ended {ended}.")
