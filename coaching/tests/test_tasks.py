"""Coaching's periodic jobs, run as beat sends them: contracts past their end complete, others are warned,
and proposals past their expiry expire."""

from datetime import timedelta

import pytest
from django.utils import timezone

from coaching.models import Contract, Proposal
from coaching.tests.factories import ProposalFactory
from coaching.tests.factories_sessions import coach_open_every_day, contract_active
from innerwork.accounts.tests.factories import UserFactory
from innerwork.core.tests.beat import beat_job_run

pytestmark = pytest.mark.django_db


def test_the_job_ends_contracts_past_their_end_and_warns_those_ending_soon_once():
    # given a contract past its end date and one ending in three days
    coach = coach_open_every_day()
    over = contract_active(coach=coach, activated_at=timezone.now() - timedelta(weeks=12, minutes=1))
    soon = contract_active(coach=coach, student=UserFactory())
    Contract.objects.filter(pk=soon.pk).update(ends_at=timezone.now() + timedelta(days=3))

    # when beat sends the job, twice
    first, second = beat_job_run("end_coaching_contracts"), beat_job_run("end_coaching_contracts")

    # then the first ended one and warned the other, and the second found nothing more to do
    assert first == {"reminded": 0, "warned": 1, "ended": 1}
    assert second == {"reminded": 0, "warned": 0, "ended": 0}
    assert dict(Contract.objects.values_list("pk", "status")) == {over.pk: "completed", soon.pk: "active"}


def test_the_job_expires_proposals_past_their_expiry_and_keeps_open_ones():
    # given a proposal past its expiry and one still open
    past, open_ = ProposalFactory(), ProposalFactory()
    Proposal.objects.filter(pk=past.pk).update(expires_at=timezone.now() - timedelta(minutes=1))

    # when beat sends the job, twice
    first, second = beat_job_run("expire_coaching_proposals"), beat_job_run("expire_coaching_proposals")

    # then the past one expired, once
    assert (first, second) == (1, 0)
    assert dict(Proposal.objects.values_list("pk", "status")) == {past.pk: "expired", open_.pk: "sent"}
