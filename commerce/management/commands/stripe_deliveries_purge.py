"""Delete Stripe webhook deliveries older than WEBHOOK_LOG_DAYS (default 90).

python manage.py stripe_deliveries_purge     # daily, from cron or Celery beat
                                             # (task commerce.inbox.tasks.stripe_deliveries_purge)
"""

from django.core.management.base import BaseCommand

from commerce.inbox.process import deliveries_purge


class Command(BaseCommand):
    help = "Delete Stripe webhook deliveries older than WEBHOOK_LOG_DAYS days (dj-stripe's Events are kept)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None, help="keep this many days instead of WEBHOOK_LOG_DAYS")

    def handle(self, *args, **options):
        deleted = deliveries_purge(days=options["days"])
        self.stdout.write(f"{deleted} Stripe deliveries older than the log period deleted.")
