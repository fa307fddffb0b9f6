"""Finance's e-mail about a dispute: what the bank took, why, by when to answer, and where to look."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from commerce.disputes.models import Dispute
from innerwork.core.emails import email_enqueue

FINANCE_DISPUTE_TEMPLATE = "commerce/staff_dispute"


def finance_dispute_key(*, dispute: Dispute) -> str:
    # Named after the order, so the order's admin timeline lists the alert with its other e-mails.
    return f"order:{dispute.order_id}:dispute:{dispute.stripe_dispute_id}:finance"


def notify_finance_dispute(*, dispute: Dispute) -> None:
    """Queue one alert to settings.STAFF_ALERT_EMAILS (Finance reads it) that a payment was disputed.

    Idempotent: keyed by the dispute, so redelivered or reordered events alert once per dispute.
    Nothing is queued when nobody is listed (the order is flagged and the dispute listed in admin).
    Sent after the surrounding transaction commits.
    """
    recipients = list(settings.STAFF_ALERT_EMAILS)
    if not recipients:
        return
    order = dispute.order
    email_enqueue(
        key=finance_dispute_key(dispute=dispute),
        to=recipients,
        template=FINANCE_DISPUTE_TEMPLATE,
        context={
            "order": order,
            "dispute": dispute,
            "customer_name": order.user.get_full_name(),
            "review_url": f"{settings.SITE_URL}{reverse('admin:commerce_order_change', args=[order.pk])}",
            "dispute_url": f"{settings.SITE_URL}{reverse('admin:commerce_dispute_change', args=[dispute.pk])}",
        },
    )
