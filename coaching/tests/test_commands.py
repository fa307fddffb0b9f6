"""The coaching cron command that expires unanswered proposals (`manage.py expire_coaching_proposals`)."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from coaching.models import Proposal
from coaching.tests.factories import ProposalFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("expiries_in_minutes", "said", "statuses"),
    [
        ((), "Expired 0 proposals.", []),
        ((-1,), "Expired 1 proposal.", ["expired"]),
        ((-60, 30), "Expired 1 proposal.", ["expired", "sent"]),
        ((-60, -1, 30), "Expired 2 proposals.", ["expired", "expired", "sent"]),
    ],
    ids=["none", "one past", "one past, one open", "two past, one open"],
)
def test_the_cron_command_expires_only_the_proposals_past_their_expiry_and_says_how_many(
    expiries_in_minutes, said, statuses, capsys
):
    # given proposals expiring that many minutes from now (each in its own thread)
    now = timezone.now()
    proposals = []
    for minutes in expiries_in_minutes:
        proposal = ProposalFactory()
        Proposal.objects.filter(pk=proposal.pk).update(expires_at=now + timedelta(minutes=minutes))
        proposals.append(proposal)

    # when cron runs the command twice
    call_command("expire_coaching_proposals")
    first = capsys.readouterr().out.strip()
    call_command("expire_coaching_proposals")
    second = capsys.readouterr().out.strip()

    # then the first run expired those past their expiry, and the second found nothing more
    assert (first, second) == (said, "Expired 0 proposals.")
    assert [Proposal.objects.get(pk=p.pk).status for p in proposals] == statuses
