"""The site, plus one benchmark-only address: the floor a webhook acknowledgement is measured against.

gunicorn serves `scripts.bench_wsgi:application` in scripts/bench_commerce.py, so the floor and the
real webhook address run in the same processes, with the same middleware, in the same run.
POST /bench/floor/<uuid>/ verifies the Stripe signature and INSERTs one WebhookEventTrigger, then
answers 200: what any durable acknowledgement must do, and nothing else (no endpoint lookup per
request, no queue). Never part of the product's URLs.
"""

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "innerwork.settings")
django.setup()

import stripe  # noqa: E402
from django.contrib.auth.decorators import login_not_required  # noqa: E402
from django.http import HttpResponse, HttpResponseBadRequest  # noqa: E402
from django.urls import clear_url_caches, path  # noqa: E402
from django.views.decorators.csrf import csrf_exempt  # noqa: E402
from djstripe.models import WebhookEndpoint, WebhookEventTrigger  # noqa: E402

from innerwork import urls  # noqa: E402
from innerwork.wsgi import application  # noqa: E402, F401 - the site as gunicorn serves it in production

_secrets: dict[str, str] = {}


@csrf_exempt
@login_not_required
def floor(request, uuid):
    secret = _secrets.get(str(uuid)) or _secrets.setdefault(
        str(uuid), WebhookEndpoint.objects.get(djstripe_uuid=uuid).secret
    )
    body = request.body.decode()
    try:
        stripe.WebhookSignature.verify_header(body, request.headers.get("Stripe-Signature", ""), secret, 300)
    except stripe.SignatureVerificationError:
        return HttpResponseBadRequest()
    trigger = WebhookEventTrigger.objects.create(
        headers=dict(request.headers), body=body, remote_ip="127.0.0.1", valid=True, processed=True
    )
    return HttpResponse(str(trigger.pk))


urls.urlpatterns.insert(0, path("bench/floor/<uuid:uuid>/", floor))
clear_url_caches()
