from django.core.management.base import BaseCommand

from coaching.conversation import proposals_expire_due


class Command(BaseCommand):
    help = (
        "Run from cron (every 10 minutes is fine): expire the coaching proposals still open past their expiry, "
        "so coaches and students see them as expired without anyone having to answer first. Each proposal "
        "expires once, however often it runs, and never one a student is accepting at that moment."
    )

    def handle(self, *args, **options):
        expired = proposals_expire_due()
        self.stdout.write(f"Expired {expired} proposal{'s' if expired != 1 else ''}.")
