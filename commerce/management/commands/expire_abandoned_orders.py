"""Expire waiting orders that never reached Stripe's payment page, giving back their coupon uses.

python manage.py expire_abandoned_orders      # from cron, every 10 minutes
"""

from django.core.management.base import BaseCommand

from commerce.checkout.services import orders_expire_abandoned


class Command(BaseCommand):
    help = "Expire pending orders that never got a payment page (Stripe failed and the customer left)."

    def handle(self, *args, **options):
        expired = orders_expire_abandoned()
        self.stdout.write(f"{expired} abandoned order(s) expired.")
