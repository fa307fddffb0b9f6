from django.core.management.base import BaseCommand

from innerwork.api.idempotency import idempotency_records_purge


class Command(BaseCommand):
    help = "Forget partner API Idempotency-Keys older than IDEMPOTENCY_KEY_HOURS (run hourly)."

    def handle(self, *args, **options):
        purged = idempotency_records_purge()
        self.stdout.write(f"{purged} idempotency record(s) purged.")
