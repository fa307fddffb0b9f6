"""Connect the site to Stripe's webhooks (idempotent; `make run` runs it).

    python manage.py stripe_demo_setup                          # emulator: register SITE_URL's endpoint
    python manage.py stripe_demo_setup --site-url http://127.0.0.1:8001
    python manage.py stripe_demo_setup --cli-secret whsec_...   # real Stripe, through `stripe listen`
    python manage.py stripe_demo_setup --emulator-port          # the port `make run` starts the emulator on

The endpoint is dj-stripe's WebhookEndpoint created through the API, so its signing secret is the
one Stripe (or the emulator) issued. Real Stripe cannot reach 127.0.0.1: for a local site it
registers nothing, and `stripe listen` forwards the events, signed with the secret it prints.
"""

import time
from urllib.parse import urlsplit

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from commerce.exceptions import PaymentProviderError
from commerce.stripe_gateway import stripe_reachable, webhook_endpoint_ensure, webhook_endpoint_for_cli

LOCAL_HOSTS = ("127.0.0.1", "localhost")

REAL_STRIPE_HELP = (
    "STRIPE_API_HOST is empty: this site talks to real Stripe. Stripe cannot deliver webhooks to this\n"
    "machine, so forward them with the Stripe CLI:\n"
    "  stripe listen --print-secret                                  # prints whsec_...\n"
    "  python manage.py stripe_demo_setup --cli-secret whsec_...     # prints the command to run next"
)


class Command(BaseCommand):
    help = "Register this site's webhook endpoint with Stripe (or the local emulator) through dj-stripe."

    def add_arguments(self, parser):
        parser.add_argument("--site-url", default=settings.SITE_URL, help="where Stripe delivers webhooks")
        parser.add_argument("--wait", type=float, default=20.0, help="seconds to wait for the Stripe API")
        parser.add_argument("--cli-secret", default="", help="the secret `stripe listen --print-secret` printed")
        parser.add_argument(
            "--emulator-port",
            action="store_true",
            help="only print the port of a local STRIPE_API_HOST (nothing for real Stripe) and exit",
        )

    def handle(self, *args, site_url, wait, cli_secret, emulator_port, **options):
        api_host = getattr(settings, "STRIPE_API_HOST", "")
        if emulator_port:
            parts = urlsplit(api_host) if api_host else None
            if parts and parts.hostname in LOCAL_HOSTS:
                self.stdout.write(str(parts.port or 80))
            return
        if cli_secret:
            endpoint = webhook_endpoint_for_cli(base_url=site_url, secret=cli_secret)
            self.stdout.write(self.style.SUCCESS(f"Now run:  stripe listen --forward-to {endpoint.url}"))
            return
        if not api_host and urlsplit(site_url).hostname in LOCAL_HOSTS:
            self.stdout.write(REAL_STRIPE_HELP)
            return
        self._wait_for(api_host, wait)
        try:
            endpoint, created = webhook_endpoint_ensure(base_url=site_url)
        except PaymentProviderError as exc:
            raise CommandError(exc.message) from exc
        verb = "Registered" if created else "Already registered:"
        self.stdout.write(self.style.SUCCESS(f"{verb} webhook endpoint {endpoint.url}"))

    def _wait_for(self, api_host: str, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while not stripe_reachable():
            if time.monotonic() > deadline:
                raise CommandError(f"Stripe did not answer at {api_host} within {seconds:g} s.")
            time.sleep(0.25)
