"""The address Stripe delivers webhooks to, /stripe/webhook/<uuid>/ (dj-stripe's, taken over by commerce.inbox.urls)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from djstripe.models.webhooks import get_remote_ip

from commerce.inbox.receive import delivery_receive, webhook_endpoint_for

NO_SIGNATURE = "Missing Stripe-Signature header."


@csrf_exempt
@login_not_required
@require_POST
@transaction.non_atomic_requests
def stripe_webhook(request, uuid):
    """Answer 200 once the delivery is stored (processing happens on a worker), 400 if it is not Stripe's."""
    if "Stripe-Signature" not in request.headers:
        # Not stored at all: without a signature it cannot be Stripe's, and storing it would let anyone fill the table.
        return HttpResponseBadRequest(NO_SIGNATURE, content_type="text/plain")
    endpoint = webhook_endpoint_for(uuid=uuid)
    if endpoint is None:
        raise Http404("No such webhook endpoint.")
    received = delivery_receive(
        endpoint=endpoint, body=request.body, headers=dict(request.headers), remote_ip=get_remote_ip(request)
    )
    if not received.valid:
        return HttpResponseBadRequest(received.problem, content_type="text/plain")
    return HttpResponse(str(received.trigger_id), content_type="text/plain")
