"""Sending a delivery: the signed POST, the retry schedule over three days, and the e-mail when we give up.

At least once: a delivery stays pending until the endpoint answers 2xx, and each try carries the
same event id, so a partner de-duplicates on it. Never silently dropped: after the last try of the
schedule the delivery is marked failed (staff see it in the log and can resend it) and the partner's
contact is e-mailed through the outbox, once per round.

Who sends: the Celery task queued after the event's commit makes the first try; the
`deliver_partner_webhooks` command (cron, every minute) makes the retries that are due.
"""

from __future__ import annotations

import json
import logging
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from innerwork.api.webhooks.models import PartnerEvent, WebhookAttempt, WebhookDelivery
from innerwork.api.webhooks.services import webhook_delivery_set_status
from innerwork.api.webhooks.signing import SIGNATURE_HEADER, signature_header
from innerwork.core.emails import email_enqueue

logger = logging.getLogger(__name__)

# The wait after each failed try: growing, 71.6 hours in all, so the 11th and last try comes just under
# three days after the first (Stripe's promise for its own webhooks).
RETRY_DELAYS = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=1),
    timedelta(hours=2),
    timedelta(hours=4),
    timedelta(hours=8),
    timedelta(hours=12),
    timedelta(hours=20),
    timedelta(hours=24),
)
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
USER_AGENT = "InnerWork-Webhooks/1.0"
GAVE_UP_EMAIL = "api/webhook_gave_up"
KEPT_CHARS = 500


def event_payload(event: PartnerEvent) -> bytes:
    """The JSON body partners receive; the same bytes on every try of every endpoint of one event."""
    data = {"object": event.data, **event.data_extra}
    payload = {
        "id": event.public_id,
        "object": "event",
        "type": event.type,
        "created": event.created_at.astimezone(UTC).isoformat().replace("+00:00", "Z"),
        "livemode": bool(settings.STRIPE_LIVE_MODE),
        "data": data,
    }
    return json.dumps(payload, separators=(",", ":"), sort_keys=True).encode()


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer, not a success: the partner must give us the final URL (as Stripe asks)."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_opener = urllib.request.build_opener(_NoRedirects)


def _post(*, url: str, body: bytes, headers: dict) -> tuple[int | None, str, str]:
    """POST once; (status code or None, the first characters of the answer, why it failed or "")."""
    if not url.startswith(("https://", "http://")):
        return None, "", f"Not an http(s) URL: {url}"[:KEPT_CHARS]
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310 (scheme checked)
    try:
        with _opener.open(request, timeout=settings.PARTNER_WEBHOOK_TIMEOUT_SECONDS) as response:
            return response.status, response.read(KEPT_CHARS).decode(errors="replace"), ""
    except urllib.error.HTTPError as error:
        return error.code, error.read(KEPT_CHARS).decode(errors="replace"), f"HTTP {error.code}"
    except (OSError, ValueError) as error:  # refused, reset, DNS, TLS, timeout, a URL urllib cannot send to
        return None, "", f"{type(error).__name__}: {error}"[:KEPT_CHARS]


def webhook_delivery_attempt(*, delivery_id: int, now: datetime | None = None) -> WebhookDelivery | None:
    """Try one pending delivery once, if its time has come; returns it, or None when there was nothing to do.

    The row is locked (SKIP LOCKED) for the whole POST, so two workers never send it at once and a
    delivered one is never tried again. Not tried (None): delivered or failed already, locked by
    another worker, not due before `now`, or its endpoint or partner is switched off (it waits,
    pending, until they are on again). The try is recorded (WebhookAttempt); a 2xx marks it
    delivered; anything else schedules the next try after RETRY_DELAYS[attempts - 1], and the last
    failure marks it failed and e-mails the partner's contact (once per round, outbox de-duplicated).
    `now` decides what is due and when the next try is; the signature always carries the real time.
    """
    now = now or timezone.now()
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("event", "endpoint__partner")
            .filter(pk=delivery_id, status=WebhookDelivery.Status.PENDING)
            .exclude(next_attempt_at__gt=now)
            .first()
        )
        if delivery is None or not (delivery.endpoint.is_active and delivery.endpoint.partner.is_active):
            return None
        body = event_payload(delivery.event)
        headers = {
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            SIGNATURE_HEADER: signature_header(secret=delivery.endpoint.secret, timestamp=int(time.time()), body=body),
        }
        started = time.monotonic()
        code, answer, error = _post(url=delivery.endpoint.url, body=body, headers=headers)
        elapsed_ms = round((time.monotonic() - started) * 1000)
        succeeded = code is not None and 200 <= code < 300
        attempts = delivery.attempts + 1
        WebhookAttempt.objects.create(
            delivery=delivery,
            number=attempts,
            attempted_at=now,
            response_code=code,
            response_ms=elapsed_ms,
            response_body=answer,
            error=error,
            succeeded=succeeded,
        )
        last = {
            "attempts": attempts,
            "last_attempt_at": now,
            "last_response_code": code,
            "last_response_ms": elapsed_ms,
        }
        if succeeded:
            webhook_delivery_set_status(
                delivery=delivery, status=WebhookDelivery.Status.SUCCEEDED, changes={**last, "last_error": ""}
            )
        elif attempts >= MAX_ATTEMPTS:
            webhook_delivery_set_status(
                delivery=delivery,
                status=WebhookDelivery.Status.FAILED,
                changes={**last, "last_error": error},
                reason=f"Gave up after {attempts} attempts: {error}"[:255],
            )
            _tell_partner(delivery=delivery)
        else:
            logger.info("Webhook delivery %s failed (attempt %s): %s", delivery.pk, attempts, error)
            last.update(last_error=error, next_attempt_at=now + RETRY_DELAYS[attempts - 1])
            WebhookDelivery.objects.filter(pk=delivery.pk).update(**last, updated_at=timezone.now())
            for name, value in last.items():
                setattr(delivery, name, value)
        return delivery


def _tell_partner(*, delivery: WebhookDelivery) -> None:
    partner, endpoint, event = delivery.endpoint.partner, delivery.endpoint, delivery.event
    first = delivery.attempt_log.order_by("attempted_at", "id").first()
    email_enqueue(
        key=f"api.webhook_gave_up:{delivery.pk}:{delivery.resends}",
        to=[partner.contact_email],
        template=GAVE_UP_EMAIL,
        context={
            "partner": partner,
            "endpoint": endpoint,
            "event": event,
            "delivery": delivery,
            "first_attempt_at": first.attempted_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M"),
        },
    )


def webhook_deliveries_due(*, now: datetime | None = None) -> int:
    """Try every pending delivery whose time has come (or that was never tried); returns how many were delivered."""
    now = now or timezone.now()
    due = WebhookDelivery.objects.filter(
        status=WebhookDelivery.Status.PENDING, endpoint__is_active=True, endpoint__partner__is_active=True
    ).exclude(next_attempt_at__gt=now)
    delivered = 0
    for delivery_id in due.order_by("created_at", "id").values_list("pk", flat=True):
        result = webhook_delivery_attempt(delivery_id=delivery_id, now=now)
        delivered += bool(result and result.status == WebhookDelivery.Status.SUCCEEDED)
    return delivered
