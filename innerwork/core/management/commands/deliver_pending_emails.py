from django.core.management.base import BaseCommand

from innerwork.core.emails import emails_deliver_due


class Command(BaseCommand):
    help = "Deliver outbox e-mails that are pending or due for a retry."

    def handle(self, *args, **options):
        sent = emails_deliver_due()
        self.stdout.write(f"{sent} e-mail(s) sent.")
