"""Webhooks to partners: their endpoints, the events we tell them about, and each delivery of an event to an endpoint.

An event (`evt_…`) is written once, in the transaction of the change it reports, with one delivery per
endpoint of its partner that listens to its type. A delivery is tried after commit and retried with
growing back-off for three days (innerwork.api.webhooks.deliveries); every try is kept as an attempt,
so staff read in admin what the partner's server answered and when. Imported by innerwork.api.models,
so these are the `api` app's models.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from innerwork.core.models import TimeStampedModel

EVENT_TYPES = (
    "booking.confirmed",
    "booking.rescheduled",
    "booking.canceled",
    "contract.activated",
    "contract.ended",
    "order.paid",
    "order.refunded",
    "enrollment.created",
    "enrollment.completed",
)
EVENT_TYPE_CHOICES = [(event_type, event_type) for event_type in EVENT_TYPES]
UNKNOWN_EVENT_TYPES = "Unknown event types: {types}. Known: " + ", ".join(EVENT_TYPES) + "."
HTTPS_REQUIRED = "Use an https:// address: the events carry customers' data."
HTTP_ONLY = "Use an http(s):// address."


def _validate_event_types(value) -> None:
    if not isinstance(value, list) or not value:
        raise ValidationError("Choose at least one event type.")
    unknown = [item for item in value if item not in EVENT_TYPES]
    if unknown:
        raise ValidationError(UNKNOWN_EVENT_TYPES.format(types=", ".join(map(str, unknown))))


class WebhookEndpoint(TimeStampedModel):
    """Where a partner hears about its events: a URL, the types it listens to, and the secret we sign with.

    The secret is created with the endpoint (services.webhook_endpoint_create) and shown to staff once;
    we keep it readable because we sign every delivery with it. Switched off, the endpoint receives
    nothing new and its pending deliveries wait; nothing ever switches an endpoint off by itself.
    """

    partner = models.ForeignKey("api.Partner", on_delete=models.CASCADE, related_name="webhook_endpoints")
    url = models.URLField(max_length=500, help_text="The partner's HTTPS address that receives our POSTs.")
    description = models.CharField(max_length=200, blank=True)
    event_types = models.JSONField(default=list, validators=[_validate_event_types])
    secret = models.CharField(max_length=80, editable=False)
    is_active = models.BooleanField(default=True, help_text="Off: no new deliveries; pending ones wait.")

    class Meta:
        ordering = ["partner", "pk"]

    def __str__(self) -> str:
        return f"{self.partner} → {self.url}"

    def clean(self):
        # Plain http only where settings allow it (DEBUG, or the tests' local receivers); never ftp and the like.
        scheme = self.url.split("://", 1)[0].lower()
        if scheme not in ("http", "https"):
            raise ValidationError({"url": HTTP_ONLY})
        if settings.PARTNER_WEBHOOK_REQUIRE_HTTPS and scheme != "https":
            raise ValidationError({"url": HTTPS_REQUIRED})

    @property
    def secret_hint(self) -> str:
        return f"{self.secret[:10]}…" if self.secret else ""


class PartnerEvent(models.Model):
    """Something that happened to a partner's customer, told to the partner once per endpoint, at least once.

    `public_id` (`evt_…`) is what the partner sees and de-duplicates on: it never changes, whether the
    event is retried or resent. `idempotency_key` (unique per partner) makes emitting it idempotent.
    `data` is the API's own object, sent as `data.object`; `data_extra` is what the event says beside it in
    `data` (only when not empty): `previous_attributes` as on Stripe (a rescheduled booking's old `start`),
    `refund` on order.refunded.
    """

    public_id = models.CharField(max_length=40, unique=True, editable=False)
    partner = models.ForeignKey("api.Partner", on_delete=models.PROTECT, related_name="events")
    type = models.CharField(max_length=40, choices=EVENT_TYPE_CHOICES, db_index=True)
    data = models.JSONField(encoder=DjangoJSONEncoder)
    data_extra = models.JSONField(encoder=DjangoJSONEncoder, default=dict, blank=True)
    idempotency_key = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["partner", "idempotency_key"], name="partner_event_once_per_key"),
        ]

    def __str__(self) -> str:
        return f"{self.public_id} {self.type}"


class WebhookDelivery(TimeStampedModel):
    """One event on its way to one endpoint: pending until the endpoint answers 2xx, or failed after 3 days.

    Its status moves only through services.webhook_delivery_set_status. `attempts` counts tries since
    it was last queued (a resend starts the schedule again); every try is a WebhookAttempt.
    `resends` counts staff resends, so each round that gives up e-mails the partner once.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SUCCEEDED = "succeeded", "Delivered"
        FAILED = "failed", "Failed (gave up)"

    # A resend queues a delivered or failed one again; nothing else leaves a final status.
    TRANSITIONS = {
        Status.PENDING: {Status.SUCCEEDED, Status.FAILED},
        Status.SUCCEEDED: {Status.PENDING},
        Status.FAILED: {Status.PENDING},
    }

    event = models.ForeignKey(PartnerEvent, on_delete=models.CASCADE, related_name="deliveries")
    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    attempts = models.PositiveIntegerField(default=0)
    resends = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True, db_index=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_response_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_response_ms = models.PositiveIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "webhook deliveries"
        constraints = [models.UniqueConstraint(fields=["event", "endpoint"], name="webhook_delivery_once")]
        permissions = [("resend_webhookdelivery", "Can resend a webhook delivery")]

    def __str__(self) -> str:
        return f"{self.event.public_id} → {self.endpoint.url}"


class WebhookAttempt(models.Model):
    """One POST of a delivery: when, what the partner's server answered (or why there was no answer), how fast."""

    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="attempt_log")
    number = models.PositiveIntegerField()
    attempted_at = models.DateTimeField(db_index=True)
    response_code = models.PositiveSmallIntegerField(null=True, blank=True)
    response_ms = models.PositiveIntegerField()
    response_body = models.CharField(max_length=500, blank=True)
    error = models.CharField(max_length=500, blank=True)
    succeeded = models.BooleanField()

    class Meta:
        ordering = ["-attempted_at", "-id"]

    def __str__(self) -> str:
        return f"attempt {self.number} of {self.delivery_id}: {self.response_code or self.error}"
