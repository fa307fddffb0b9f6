import pytest
from django.core import mail

from innerwork.core.emails import email_enqueue, email_retry
from innerwork.core.models import OutboxEmail


@pytest.mark.django_db(transaction=True)
def test_retrying_a_sent_email_sends_no_second_copy():
    # given an e-mail that was delivered
    email = email_enqueue(key="welcome:retry", to=["a@example.com"], template="welcome", context={"name": "A"})
    email.refresh_from_db()
    assert email.status == OutboxEmail.Status.SENT
    assert len(mail.outbox) == 1

    # when staff press "retry" on it
    requeued = email_retry(email=email)

    # then nothing is queued and nothing more is sent
    email.refresh_from_db()
    assert requeued is False
    assert email.status == OutboxEmail.Status.SENT
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_retrying_a_failed_email_delivers_it():
    # given an e-mail that gave up
    email = OutboxEmail.objects.create(
        dedup_key="gave-up", kind="welcome", to=["b@example.com"], subject="Hi", body_text="Hi",
        status=OutboxEmail.Status.FAILED, attempts=8,
    )  # fmt: skip

    # when staff retry it
    requeued = email_retry(email=email)

    # then it is delivered once
    email.refresh_from_db()
    assert requeued is True
    assert email.status == OutboxEmail.Status.SENT
    assert [m.to for m in mail.outbox] == [["b@example.com"]]
