"""The outbox's periodic job, run as beat sends it: pending e-mails that are due are delivered, once."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from innerwork.core.models import OutboxEmail
from innerwork.core.tests.beat import beat_job_run

pytestmark = pytest.mark.django_db


def _pending(key: str, *, retry_at=None) -> None:
    OutboxEmail.objects.create(
        dedup_key=key, kind="welcome", to=[f"{key}@example.com"], subject=key, body_text="Hi", next_attempt_at=retry_at
    )


def test_the_job_delivers_due_emails_once_and_leaves_the_ones_not_yet_due():
    # given an e-mail never tried, one whose retry time has come and one whose retry is later
    now = timezone.now()
    _pending("fresh")
    _pending("due", retry_at=now - timedelta(seconds=1))
    _pending("later", retry_at=now + timedelta(minutes=5))

    # when beat sends the job, twice
    first, second = beat_job_run("deliver_pending_emails"), beat_job_run("deliver_pending_emails")

    # then the two due ones were sent, once each, and the later one waits
    assert (first, second) == (2, 0)
    assert sorted(message.subject for message in mail.outbox) == ["due", "fresh"]
    statuses = dict(OutboxEmail.objects.values_list("dedup_key", "status"))
    assert statuses == {"fresh": "sent", "due": "sent", "later": "pending"}
