"""Partners: other businesses that sell InnerWork's courses, sessions and coaching to their own users.

A partner reaches the API with its keys (innerwork.api.keys), acts for the customers it created or
linked (only those), sends a partner's users back to its own site from Stripe's page (only to its
allowed redirect hosts), and hears what happened through signed webhooks to its endpoints. Staff
manage partners in admin.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from innerwork.core.models import TimeStampedModel


def _validate_hosts(value) -> None:
    if not isinstance(value, list) or not all(isinstance(host, str) and host and "/" not in host for host in value):
        raise ValidationError('Host names only, e.g. ["portal.example.com", "app.example.com"].')


class Partner(TimeStampedModel):
    name = models.CharField(max_length=120)
    contact_email = models.EmailField(help_text="Told when a webhook endpoint keeps failing, and about key changes.")
    allowed_redirect_hosts = models.JSONField(
        default=list,
        blank=True,
        validators=[_validate_hosts],
        help_text="Where success_url and cancel_url may point (exact host names; https only in production).",
    )
    is_active = models.BooleanField(default=True, help_text="A switched-off partner's keys are refused.")

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class ApiKey(TimeStampedModel):
    """A partner's secret key. Only its SHA-256 is stored; the key itself is shown once (innerwork.api.keys).

    The mode (`test`/`live`) is the deployment's Stripe mode when the key was made and is written into
    the key (`iw_test_…`/`iw_live_…`), so a key of the other mode is refused instead of quietly reaching
    the wrong money. `prefix` is what staff and the partner see to tell keys apart.
    """

    class Mode(models.TextChoices):
        TEST = "test", "Test (Stripe test mode or the emulator)"
        LIVE = "live", "Live"

    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="api_keys")
    name = models.CharField(max_length=80, help_text='What the partner uses it for, e.g. "portal production".')
    mode = models.CharField(max_length=4, choices=Mode.choices)
    prefix = models.CharField(max_length=24, unique=True, help_text="The key's visible start, e.g. iw_test_Ab3dE9xQ.")
    secret_hash = models.CharField(max_length=64, unique=True)
    scopes = models.JSONField(default=list)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["partner", "-created_at", "-pk"]
        verbose_name = "API key"

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name})"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class PartnerCustomer(TimeStampedModel):
    """A partner's customer: an InnerWork user the partner created or linked, under the partner's own id.

    Everything a partner does for a person goes through this link; a partner never sees users it has
    no link to. `created_user` says whether the account was made by this partner (False: the e-mail
    already had an InnerWork account, which was linked as it was).
    """

    public_id = models.CharField(max_length=32, unique=True)
    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="customers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="partner_links")
    external_id = models.CharField(max_length=255, help_text="The partner's own id for this person.")
    created_user = models.BooleanField(default=False)

    class Meta:
        ordering = ["-pk"]
        constraints = [
            models.UniqueConstraint(fields=["partner", "external_id"], name="api_customer_partner_external_id"),
            models.UniqueConstraint(fields=["partner", "user"], name="api_customer_partner_user"),
        ]

    def __str__(self) -> str:
        return f"{self.partner}: {self.external_id}"


class IdempotencyRecord(models.Model):
    """One Idempotency-Key of one API key: the request it was first sent with and, once done, the answer.

    `response_status` is null while the first request runs (a duplicate then gets 409). Kept
    IDEMPOTENCY_KEY_HOURS, then purged (innerwork.api.idempotency).
    """

    api_key = models.ForeignKey(ApiKey, on_delete=models.CASCADE, related_name="idempotency_records")
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64, help_text="SHA-256 of method, path and body.")
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=255)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["api_key", "key"], name="api_idempotency_key_per_api_key")]

    def __str__(self) -> str:
        return f"{self.method} {self.path} ({self.key})"


# The webhook models live with their services; imported here so Django counts them as this app's.
from innerwork.api.webhooks.models import (  # noqa: E402, F401
    PartnerEvent,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
)
