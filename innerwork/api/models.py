"""Partners: other businesses that sell InnerWork's courses, sessions and coaching to their own users.

A partner reaches the API with its keys (innerwork.api.keys), acts for the customers it created or
linked (only those), sends a partner's users back to its own site from Stripe's page (only to its
allowed redirect hosts), and hears what happened through signed webhooks to its endpoints. Staff
manage partners in admin.
"""

from django.core.exceptions import ValidationError
from django.db import models

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


# The webhook models live with their services; imported here so Django counts them as this app's.
from innerwork.api.webhooks.models import (  # noqa: E402, F401
    PartnerEvent,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
)
