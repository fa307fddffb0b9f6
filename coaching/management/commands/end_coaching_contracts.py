from django.core.management.base import BaseCommand

from coaching.contract_end import contracts_tend_due


class Command(BaseCommand):
    help = (
        "Run from cron (every 10 minutes is fine): remind both people of each coaching session a day before, "
        "tell them a week before a contract ends that sessions are left, and complete the contracts whose end "
        "date has passed (unused sessions expire). Each step happens once, however often it runs."
    )

    def handle(self, *args, **options):
        done = contracts_tend_due()
        reminded, warned, ended = done.reminded, done.warned, done.ended
        self.stdout.write(
            f"Reminded {reminded} session{'s' if reminded != 1 else ''}; "
            f"warned {warned} contract{'s' if warned != 1 else ''}; ended {ended}."
        )
