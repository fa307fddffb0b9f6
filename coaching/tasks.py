"""Coaching's periodic jobs as Celery tasks (settings.CELERY_BEAT_SCHEDULE); each calls the service its
management command calls."""

from dataclasses import asdict

from celery import shared_task

from coaching.contract_end import contracts_tend_due
from coaching.conversation import proposals_expire_due


@shared_task(ignore_result=True)
def end_coaching_contracts() -> dict:
    """`manage.py end_coaching_contracts`: session reminders, expiry warnings, contracts past their end."""
    return asdict(contracts_tend_due())


@shared_task(ignore_result=True)
def expire_coaching_proposals() -> int:
    """`manage.py expire_coaching_proposals`: expire proposals left unanswered past their expiry."""
    return proposals_expire_due()
