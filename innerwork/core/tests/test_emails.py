"""The transactional outbox: rendered once, sent once, retried until sent, never sent on rollback."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from innerwork.accounts.tests.factories import UserFactory
from innerwork.core.emails import RETRY_BASE_SECONDS, email_deliver, email_enqueue, emails_deliver_due
from innerwork.core.models import OutboxEmail
from innerwork.core.tests.at_once import at_once
from innerwork.core.tests.backends import PROVIDER_DOWN, FlakyBackend

FLAKY = "innerwork.core.tests.backends.FlakyBackend"


def _welcome(user, key="welcome:1", **kwargs):
    return email_enqueue(key=key, to=[user.email], template="welcome", context={"user": user}, **kwargs)


@pytest.mark.django_db
def test_enqueue_renders_subject_text_and_html_and_sends_both(django_capture_on_commit_callbacks):
    # given
    user = UserFactory(full_name="Ada Lovelace")
    # when
    with django_capture_on_commit_callbacks(execute=True):
        email = _welcome(user)
    # then: stored rendered, from emails/welcome.{subject.txt,txt,html} in the e-mail base
    email.refresh_from_db()
    assert email.subject == "Welcome to InnerWork, Ada"
    assert email.body_text.startswith("Hi Ada,")
    assert "http://127.0.0.1:8000/dashboard/" in email.body_text
    assert email.body_html.lstrip().lower().startswith("<!doctype html>")
    assert "Browse the courses" in email.body_html
    assert email.status == OutboxEmail.Status.SENT
    # and delivered as text with an HTML alternative
    (message,) = mail.outbox
    assert message.to == [user.email]
    assert message.subject == "Welcome to InnerWork, Ada"
    assert message.body == email.body_text
    assert message.alternatives[0].mimetype == "text/html"
    assert "Browse the courses" in message.alternatives[0].content


@pytest.mark.django_db
def test_attachments_travel_with_the_email(django_capture_on_commit_callbacks):
    # given
    user = UserFactory()
    invite = b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"
    # when
    with django_capture_on_commit_callbacks(execute=True):
        _welcome(user, attachments=[("session.ics", invite, "text/calendar")])
    # then
    (message,) = mail.outbox
    assert message.attachments[0][0] == "session.ics"
    assert message.attachments[0][1].encode() == invite


@pytest.mark.django_db
def test_same_dedup_key_twice_gives_one_row_and_one_send(django_capture_on_commit_callbacks):
    # given
    user = UserFactory()
    # when
    with django_capture_on_commit_callbacks(execute=True):
        first = _welcome(user, key="welcome:42")
        second = _welcome(user, key="welcome:42")
    # then
    assert first.pk == second.pk
    assert OutboxEmail.objects.filter(dedup_key="welcome:42").count() == 1
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_the_same_dedup_key_enqueued_at_once_by_four_transactions_gives_one_row_and_one_send():
    # given four workers about to enqueue the same e-mail, each in its own transaction
    user = UserFactory()

    def enqueue():
        with transaction.atomic():
            return _welcome(user, key="welcome:race").pk

    # when they all do it at the same moment
    queued, errors = at_once(enqueue, times=4)

    # then one row was written, every worker got it, and it was sent once
    assert errors == []
    assert queued == [queued[0]] * 4
    assert OutboxEmail.objects.filter(dedup_key="welcome:race").count() == 1
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_nothing_is_stored_or_sent_when_the_enclosing_transaction_rolls_back(django_capture_on_commit_callbacks):
    # given
    user = UserFactory()

    def change_that_fails_after_enqueueing():
        with transaction.atomic():
            _welcome(user, key="welcome:rolled-back")
            raise RuntimeError("the order could not be saved")

    # when
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        change_that_fails_after_enqueueing()
    # then
    assert not OutboxEmail.objects.filter(dedup_key="welcome:rolled-back").exists()
    assert mail.outbox == []


@pytest.mark.django_db
@override_settings(EMAIL_BACKEND=FLAKY)
def test_a_failing_provider_is_retried_with_back_off_until_the_email_is_sent(django_capture_on_commit_callbacks):
    # given: the provider fails twice, then recovers
    FlakyBackend.script(failures=2)
    user = UserFactory()
    # when: the first attempt (right after commit) fails
    before = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        email = _welcome(user)
    email.refresh_from_db()
    # then: kept pending, error recorded, retry in one base period
    assert (email.status, email.attempts) == (OutboxEmail.Status.PENDING, 1)
    assert PROVIDER_DOWN in email.last_error
    first_wait = email.next_attempt_at - before
    assert timedelta(seconds=RETRY_BASE_SECONDS - 5) <= first_wait <= timedelta(seconds=RETRY_BASE_SECONDS + 5)
    # when: the retry job runs before that time, nothing is attempted
    assert emails_deliver_due(now=email.next_attempt_at - timedelta(seconds=1)) == 0
    email.refresh_from_db()
    assert email.attempts == 1
    # when: it runs after it, the second attempt fails and the wait doubles
    before = timezone.now()
    assert emails_deliver_due(now=email.next_attempt_at + timedelta(seconds=1)) == 0
    email.refresh_from_db()
    assert email.attempts == 2
    second_wait = email.next_attempt_at - before
    assert timedelta(seconds=2 * RETRY_BASE_SECONDS - 5) <= second_wait <= timedelta(seconds=2 * RETRY_BASE_SECONDS + 5)
    # when: the third attempt comes due, the provider is back
    assert emails_deliver_due(now=email.next_attempt_at + timedelta(seconds=1)) == 1
    # then: sent exactly once
    email.refresh_from_db()
    assert (email.status, email.attempts, email.last_error, email.next_attempt_at) == (
        OutboxEmail.Status.SENT,
        3,
        "",
        None,
    )
    assert email.sent_at is not None
    assert [m.to for m in FlakyBackend.sent] == [[user.email]]


@pytest.mark.django_db
@override_settings(EMAIL_BACKEND=FLAKY, EMAIL_MAX_ATTEMPTS=3)
def test_the_outbox_gives_up_after_the_maximum_attempts_and_keeps_the_row(django_capture_on_commit_callbacks):
    # given: the provider never recovers
    FlakyBackend.script(failures=100)
    with django_capture_on_commit_callbacks(execute=True):
        email = _welcome(UserFactory())
    # when
    far_future = timezone.now() + timedelta(days=1)
    emails_deliver_due(now=far_future)
    emails_deliver_due(now=far_future)
    emails_deliver_due(now=far_future)
    # then
    email.refresh_from_db()
    assert (email.status, email.attempts, email.next_attempt_at) == (OutboxEmail.Status.FAILED, 3, None)
    assert FlakyBackend.calls == 3


@pytest.mark.django_db
@override_settings(EMAIL_BACKEND=FLAKY)
def test_the_delivery_command_sends_what_is_due(django_capture_on_commit_callbacks, capsys):
    # given: a first attempt failed
    FlakyBackend.script(failures=1)
    with django_capture_on_commit_callbacks(execute=True):
        email = _welcome(UserFactory())
    OutboxEmail.objects.filter(pk=email.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    # when
    call_command("deliver_pending_emails")
    # then
    assert capsys.readouterr().out.strip() == "1 e-mail(s) sent."
    assert OutboxEmail.objects.get(pk=email.pk).status == OutboxEmail.Status.SENT


@pytest.mark.django_db(transaction=True)
@override_settings(EMAIL_BACKEND=FLAKY)
def test_two_workers_delivering_the_same_email_at_once_send_it_once():
    # given: a pending e-mail whose first attempt failed; the provider is now up but slow
    FlakyBackend.script(failures=1)
    email = _welcome(UserFactory(), key="welcome:race")
    assert OutboxEmail.objects.get(pk=email.pk).status == OutboxEmail.Status.PENDING
    FlakyBackend.script(delay=0.5)

    # when: two workers pick it up at the same moment
    results, errors = at_once(lambda: email_deliver(email_id=email.pk), times=2)
    # then: one sent it, the other found it locked (or already sent) and did nothing
    assert errors == []
    assert len(FlakyBackend.sent) == 1
    assert sorted(result is None for result in results) == [False, True]
    email.refresh_from_db()
    assert (email.status, email.attempts) == (OutboxEmail.Status.SENT, 2)
    # and a later delivery of a sent e-mail is a no-op
    assert email_deliver(email_id=email.pk) is None
    assert len(FlakyBackend.sent) == 1
