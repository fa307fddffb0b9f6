from django.core.management.base import BaseCommand

from mentorship.reminders import booking_reminders_send


class Command(BaseCommand):
    help = "E-mail both people a reminder of each confirmed session starting within 24 hours (once per session)."

    def handle(self, *args, **options):
        sent = booking_reminders_send()
        self.stdout.write(f"Reminded {sent} session{'s' if sent != 1 else ''}.")
