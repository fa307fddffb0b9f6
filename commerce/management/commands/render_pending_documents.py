"""Render the invoices whose PDF task was lost (cron, every few minutes; safe to run at any time)."""

from django.core.management.base import BaseCommand

from commerce.documents.rendering import documents_render_pending


class Command(BaseCommand):
    help = "Render and store the PDF of every invoice still waiting for it after a few minutes."

    def handle(self, *args, **options):
        rendered = documents_render_pending()
        self.stdout.write(f"Rendered {rendered} invoice PDF(s).")
