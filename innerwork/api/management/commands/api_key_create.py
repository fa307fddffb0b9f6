"""Make a partner API key from the command line (demo, scripts); staff normally use the admin.

    python manage.py api_key_create --partner "Wellbeing Portal" --email ops@portal.example --scopes all

The partner is found by name or created; the key is printed once, on its own line, and not kept.
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from innerwork.api.keys import SCOPES, api_key_create
from innerwork.api.models import Partner


class Command(BaseCommand):
    help = "Make a partner API key (of this deployment's Stripe mode) and print it once."

    def add_arguments(self, parser):
        parser.add_argument("--partner", required=True, help="The partner's name (found, or created).")
        parser.add_argument("--email", default="", help="The partner's contact e-mail, when it is created.")
        parser.add_argument("--name", default="command line", help="What the key is for.")
        parser.add_argument("--scopes", default="all", help=f"Comma-separated, or all: {', '.join(SCOPES)}.")

    def handle(self, *args, partner, email, name, scopes, **options):
        chosen = list(SCOPES) if scopes == "all" else [scope.strip() for scope in scopes.split(",") if scope.strip()]
        found = Partner.objects.filter(name=partner).first()
        if found is None:
            if not email:
                raise CommandError(f"No partner is named {partner!r}; give --email to create it.")
            found = Partner.objects.create(name=partner, contact_email=email)
        try:
            new = api_key_create(partner=found, name=name, scopes=chosen)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stderr.write(f"{found}: {new.api_key.get_mode_display()} key with {', '.join(new.api_key.scopes)}.")
        self.stdout.write(new.raw)
