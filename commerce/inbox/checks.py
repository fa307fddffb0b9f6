"""Start-up check: every enabled Stripe webhook endpoint has a signing secret (else every delivery is refused)."""

from __future__ import annotations

from django.core import checks
from django.db import DatabaseError
from django.db.models import Q

KEYLESS_ENDPOINT_ID = "commerce.E101"
KEYLESS_ENDPOINT_MESSAGE = (
    "Stripe webhook endpoint {id} ({url}) has no signing secret: every delivery to it is refused (400)."
)
KEYLESS_ENDPOINT_HINT = (
    "Run `manage.py stripe_demo_setup --site-url …` to register the endpoint through Stripe's API "
    "(Stripe then gives its secret), or `--cli-secret whsec_…` for `stripe listen`."
)


@checks.register(checks.Tags.security)
def webhook_endpoints_have_secrets(app_configs=None, databases=None, **kwargs):
    """Reads the database when it can; a database not yet migrated or unreachable is another check's business."""
    from djstripe.models import WebhookEndpoint

    try:
        keyless = WebhookEndpoint.objects.filter(Q(secret="") | Q(secret__isnull=True), status="enabled")
        missing = list(keyless.values_list("id", "url"))
    except DatabaseError:
        return []
    return [
        checks.Error(
            KEYLESS_ENDPOINT_MESSAGE.format(id=pk, url=url), hint=KEYLESS_ENDPOINT_HINT, id=KEYLESS_ENDPOINT_ID
        )
        for pk, url in missing
    ]
