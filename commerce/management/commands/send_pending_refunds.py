"""Resend refunds whose Stripe call failed; hand those too old to resend safely to staff.

python manage.py send_pending_refunds      # from cron, every 10 minutes
"""

from django.core.management.base import BaseCommand

from commerce.refunds.pending import refunds_send_pending


class Command(BaseCommand):
    help = "Send pending refunds that never reached Stripe (same idempotency key); flag those older than 23 hours."

    def handle(self, *args, **options):
        counts = refunds_send_pending()
        self.stdout.write(
            f"{counts['sent']} refund(s) sent, {counts['still_pending']} still waiting for Stripe, "
            f"{counts['handed_to_staff']} handed to staff."
        )
