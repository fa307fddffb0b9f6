"""The site's Content-Security-Policy (django-csp): the part settings cannot say alone, and the report endpoint.

`settings.CONTENT_SECURITY_POLICY` holds the policy every response carries: scripts, styles, images and
fonts from this site only, nothing inline, no plugins, no framing, forms posted only here. Two things are
added per response:

- Stripe's hosted Checkout page joins `form-action`. Checkout is a form POST answered with a redirect to
  that page, and Chromium checks the redirect's target against `form-action`, so without it no payment
  could start. Its origin follows `STRIPE_API_HOST` (the emulator in the demo and the tests, which move it
  at run time), hence a value read per response rather than a fixed setting.
- A script nonce, only where a page asks for one (`request.csp_nonce`): the API docs' start-up scripts
  (templates/drf_spectacular/). A page that never reads it gets no nonce, so the site's own pages cannot
  run an inline script even by mistake.

One page needs a looser policy and gets it alone (`redoc_policy`, on its view in innerwork/api/urls.py):
ReDoc, the API docs' second rendering, inserts style elements while it renders (some before it can be
handed a nonce) and indexes its search in a worker made from a blob: URL.

Browsers send what the policy refused to `csp_report`, which logs a short line per report: enough to see
a page that breaks, without letting anyone fill the logs (at most REPORTS_PER_MINUTE per address).
"""

from __future__ import annotations

import json
import logging
from urllib.parse import urlsplit

from csp.constants import SELF, UNSAFE_INLINE
from csp.decorators import csp_replace
from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from innerwork.core.ratelimit import client_address, ratelimit_hit

logger = logging.getLogger(__name__)

STRIPE_CHECKOUT_ORIGIN = "https://checkout.stripe.com"
# A browser's report is well under 2 KB; anything much larger is not one.
REPORT_MAX_BYTES = 8 * 1024
# Reports logged per client address and minute; a page that breaks for one visitor sends a handful.
REPORTS_PER_MINUTE = 20
# Each field logged is cut to this length (a blocked URI can be a long data: URI).
REPORT_FIELD_CHARS = 200
REPORT_FIELDS = ("document-uri", "violated-directive", "effective-directive", "blocked-uri", "source-file")


redoc_policy = csp_replace({"style-src": [SELF, UNSAFE_INLINE], "worker-src": [SELF, "blob:"]})


def stripe_checkout_origin() -> str:
    """Where checkout forms are redirected: Stripe's hosted page, or the emulator's when STRIPE_API_HOST is set."""
    host = getattr(settings, "STRIPE_API_HOST", "")
    if not host:
        return STRIPE_CHECKOUT_ORIGIN
    parts = urlsplit(host)
    return f"{parts.scheme}://{parts.netloc}"


class SitePolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with Stripe's Checkout origin added to `form-action` on every response."""

    def get_policy_parts(self, request, response, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request=request, response=response, report_only=report_only)
        update = dict(parts.update or {})
        update["form-action"] = [*update.get("form-action", ()), stripe_checkout_origin()]
        parts.update = update
        return parts


@csrf_exempt  # browsers post reports without a token; the endpoint only writes a log line
@require_POST
def csp_report(request):
    """Log one violation report (report-uri's `{"csp-report": {...}}`) in one line, and answer 204.

    Past REPORTS_PER_MINUTE from one address, reports are dropped with the same 204: a 4xx would itself be
    logged by Django for each request, so a flood would still fill the log. Bodies that are not a report
    (400) or too large to be one (413) count towards the limit too.
    """
    if ratelimit_hit(scope="csp-report", key=client_address(request), limit=REPORTS_PER_MINUTE, period=60):
        return HttpResponse(status=204)
    declared = request.META.get("CONTENT_LENGTH") or "0"
    if not declared.isdigit() or int(declared) > REPORT_MAX_BYTES or len(request.body) > REPORT_MAX_BYTES:
        return HttpResponse(status=413)
    try:
        report = json.loads(request.body).get("csp-report")
    except (ValueError, AttributeError):
        report = None
    if not isinstance(report, dict):
        return HttpResponse(status=400)
    logger.warning(
        "Content-Security-Policy violation: %s",
        " ".join(f"{field}={str(report.get(field, ''))[:REPORT_FIELD_CHARS]!r}" for field in REPORT_FIELDS),
    )
    return HttpResponse(status=204)
