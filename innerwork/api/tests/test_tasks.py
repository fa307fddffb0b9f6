"""The partner API's hourly job, run as beat sends it: expired Idempotency-Keys are forgotten, fresh ones kept."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from innerwork.api.idempotency import idempotency_claim
from innerwork.api.models import ApiKey, IdempotencyRecord
from innerwork.api.tests.factories import key_for
from innerwork.core.tests.beat import beat_job_run

pytestmark = pytest.mark.django_db

URL = reverse("api:customers")


@pytest.fixture
def records(partner, settings):
    """Keys claimed 25, 23 and 0 hours ago, with IDEMPOTENCY_KEY_HOURS at its default of 24."""
    settings.IDEMPOTENCY_KEY_HOURS = 24
    key_for(partner)
    api_key = ApiKey.objects.get()
    for name, hours in (("expired", 25), ("young", 23), ("fresh", 0)):
        record = idempotency_claim(api_key=api_key, key=name, fingerprint="f", method="POST", path=URL).record
        IdempotencyRecord.objects.filter(pk=record.pk).update(created_at=timezone.now() - timedelta(hours=hours))


def test_the_job_removes_an_expired_idempotency_record_and_keeps_the_fresh_ones(records):
    assert beat_job_run("purge_idempotency_records") == 1

    assert sorted(IdempotencyRecord.objects.values_list("key", flat=True)) == ["fresh", "young"]
    assert beat_job_run("purge_idempotency_records") == 0


def test_the_cron_command_does_the_same(records, capsys):
    call_command("purge_idempotency_records")

    assert capsys.readouterr().out.strip() == "1 idempotency record(s) purged."
    assert sorted(IdempotencyRecord.objects.values_list("key", flat=True)) == ["fresh", "young"]
