from celery import shared_task

from innerwork.api.idempotency import idempotency_records_purge


@shared_task(ignore_result=True)
def purge_idempotency_records() -> int:
    """Forget Idempotency-Keys older than IDEMPOTENCY_KEY_HOURS (run it hourly; expired keys are also
    replaced on their next use, so a late run never serves a stale answer)."""
    return idempotency_records_purge()
