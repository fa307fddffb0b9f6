"""One door per status: the outbox e-mail's door walked pair by pair, the shared helper, and no other writer.

The expected maps are written out here, not read from the models, so a change to a model's
TRANSITIONS has to be made on purpose in both places.
"""

import itertools

import pytest
from django.forms.models import model_to_dict

from innerwork.core.emails import outbox_email_set_status
from innerwork.core.models import OutboxEmail, StatusChange
from innerwork.core.status import TRANSITION_RACED, TRANSITION_REFUSED, StatusTransitionError

S = OutboxEmail.Status
OUTBOX_MOVES = {(S.PENDING, S.SENT), (S.PENDING, S.FAILED), (S.FAILED, S.PENDING)}


def _email(status: str) -> OutboxEmail:
    return OutboxEmail.objects.create(
        dedup_key=f"doors:{status}", kind="welcome", to=["a@example.com"], subject="Hi", body_text="Hi", status=status
    )


def _changes_of(row) -> list[tuple[str, str]]:
    label = row._meta.label_lower
    return list(
        StatusChange.objects.filter(subject_type=label, subject_id=str(row.pk)).values_list("from_status", "to_status")
    )


@pytest.mark.django_db
@pytest.mark.parametrize(("from_status", "to_status"), list(itertools.product(S.values, repeat=2)))
def test_outbox_email_door_allows_exactly_its_map(from_status, to_status):
    # given an e-mail in `from_status`
    email = _email(from_status)
    before = model_to_dict(OutboxEmail.objects.get(pk=email.pk))

    if (from_status, to_status) in OUTBOX_MOVES:
        # when it is moved, then it moves and the move is recorded once
        assert outbox_email_set_status(email=email, status=to_status) is True
        assert OutboxEmail.objects.get(pk=email.pk).status == to_status
        assert _changes_of(email) == [(from_status, to_status)]
        assert (OutboxEmail.objects.get(pk=email.pk).sent_at is not None) == (to_status == S.SENT)
    else:
        # when the move is refused (a repeat included: a second "sent" would be a second copy)
        with pytest.raises(StatusTransitionError) as refused:
            outbox_email_set_status(email=email, status=to_status)
        # then nothing changed and nothing was recorded
        assert str(refused.value) == TRANSITION_REFUSED.format(
            model="OutboxEmail", pk=email.pk, from_status=from_status, to_status=to_status
        )
        assert model_to_dict(OutboxEmail.objects.get(pk=email.pk)) == before
        assert email.status == from_status
        assert _changes_of(email) == []


@pytest.mark.django_db
def test_a_move_from_a_status_the_row_no_longer_has_writes_nothing():
    # given two copies of a pending e-mail, and one of them is sent
    email = _email(S.PENDING)
    stale = OutboxEmail.objects.get(pk=email.pk)
    outbox_email_set_status(email=email, status=S.SENT)

    # when the stale copy (still "pending" in memory) is moved to failed
    with pytest.raises(StatusTransitionError) as raced:
        outbox_email_set_status(email=stale, status=S.FAILED)

    # then the row stays sent with its one record, and the caller's transaction is still usable
    assert str(raced.value) == TRANSITION_RACED.format(model="OutboxEmail", pk=email.pk, from_status="pending")
    assert OutboxEmail.objects.get(pk=email.pk).status == S.SENT
    assert _changes_of(email) == [("pending", "sent")]


@pytest.mark.django_db
def test_a_move_is_recorded_with_its_reason_and_the_other_fields_written_with_it():
    # given a failed e-mail
    email = _email(S.FAILED)

    # when it is put back in the queue with its attempts reset
    outbox_email_set_status(email=email, status=S.PENDING, changes={"attempts": 0}, reason="Retried")

    # then the fields and the status were written together, and the record says why
    row = OutboxEmail.objects.get(pk=email.pk)
    assert (row.status, row.attempts) == (S.PENDING, 0)
    change = StatusChange.objects.get(subject_type="core.outboxemail", subject_id=str(email.pk))
    assert (change.from_status, change.to_status, change.reason, change.actor) == ("failed", "pending", "Retried", None)
