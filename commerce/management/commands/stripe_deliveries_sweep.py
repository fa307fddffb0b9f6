"""Queue again the Stripe deliveries that were stored but not processed (their task lost, or still failing).

python manage.py stripe_deliveries_sweep     # every 5 minutes, from cron or Celery beat
                                             # (task commerce.inbox.tasks.stripe_deliveries_sweep)
"""

from django.core.management.base import BaseCommand

from commerce.inbox.tasks import stripe_deliveries_sweep


class Command(BaseCommand):
    help = "Queue every Stripe webhook delivery stored more than 5 minutes ago and not yet processed."

    def handle(self, *args, **options):
        queued = stripe_deliveries_sweep()
        self.stdout.write(f"{queued} Stripe deliveries queued again.")
