from django.core.management.base import BaseCommand

from innerwork.api.webhooks.deliveries import webhook_deliveries_due


class Command(BaseCommand):
    help = "Try the partner webhook deliveries whose retry is due (run from cron every minute)."

    def handle(self, *args, **options):
        delivered = webhook_deliveries_due()
        self.stdout.write(f"{delivered} webhook deliver(ies) delivered.")
