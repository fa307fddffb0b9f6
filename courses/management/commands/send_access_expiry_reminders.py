from django.core.management.base import BaseCommand

from courses.reminders import access_expiry_reminders_send


class Command(BaseCommand):
    help = "E-mail learners whose course access ends within 7 days (once per access period)."

    def handle(self, *args, **options):
        sent = access_expiry_reminders_send()
        self.stdout.write(f"Reminded {sent} learner{'s' if sent != 1 else ''}.")
