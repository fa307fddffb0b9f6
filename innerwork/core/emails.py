"""The transactional e-mail outbox.

Callers enqueue inside their own transaction; delivery is queued with
`transaction.on_commit`, so a rolled-back change never sends anything and a
committed one is never lost (undelivered rows are retried by
`deliver_pending_emails`). The unique `dedup_key` makes enqueueing idempotent.
"""

import base64
import logging
import uuid
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from innerwork.accounts.time_zones import in_time_zone_of
from innerwork.core.models import OutboxEmail
from innerwork.core.rows import row_insert_if_absent
from innerwork.core.status import status_move

logger = logging.getLogger(__name__)

RETRY_BASE_SECONDS = 60


def _schedule_delivery(email_id: int) -> None:
    from innerwork.core.tasks import deliver_email

    transaction.on_commit(lambda: deliver_email.delay(email_id))


def _outbox_insert_once(email: OutboxEmail) -> OutboxEmail:
    """`email` written and its delivery queued, or the row its dedup_key already names, untouched."""
    if row_insert_if_absent(email, unique_fields=("dedup_key",)):
        _schedule_delivery(email.pk)
        return email
    return OutboxEmail.objects.get(dedup_key=email.dedup_key)


def email_enqueue(
    *,
    key: str,
    to: list[str],
    template: str,
    context: dict,
    attachments: list[tuple[str, bytes, str]] | None = None,
) -> OutboxEmail:
    """Render `emails/<template>.{txt,html}` and queue it once per `key`.

    Idempotent: a second call with the same key returns the existing row and
    queues nothing. The subject is the first line of `emails/<template>.subject.txt`.
    """
    context = {"site_url": settings.SITE_URL, **context}
    subject = render_to_string(f"emails/{template}.subject.txt", context).strip().splitlines()[0]
    body_text = render_to_string(f"emails/{template}.txt", context)
    body_html = render_to_string(f"emails/{template}.html", context)
    encoded = [
        {"filename": name, "content": base64.b64encode(content).decode(), "mimetype": mimetype}
        for name, content, mimetype in attachments or []
    ]
    email = OutboxEmail(
        dedup_key=key,
        kind=template,
        to=list(to),
        subject=subject,
        body_text=body_text,
        body_html=body_html,
        attachments=encoded,
    )
    return _outbox_insert_once(email)


def email_each_in_own_zone(
    *,
    people: Iterable[tuple[str, object, object]],
    key: str,
    template: str,
    context: dict,
    attachments: list[tuple[str, bytes, str]] | None = None,
) -> None:
    """Queue `template` once to each (role, recipient, other) of `people`, rendered in the recipient's own zone.

    `key` names the e-mail for every recipient and must contain "{role}" (the de-duplication key of each
    copy). Each copy's context adds `role`, `recipient` and `user` (the recipient), `other` (the other
    person) and `zone` (the recipient's zone name) to `context`. Idempotent per copy, as email_enqueue.
    """
    for role, recipient, other in people:
        with in_time_zone_of(recipient) as zone:
            email_enqueue(
                key=key.format(role=role),
                to=[recipient.email],
                template=template,
                context={
                    **context,
                    "role": role,
                    "recipient": recipient,
                    "user": recipient,
                    "other": other,
                    "zone": zone.key,
                },
                attachments=attachments,
            )


def email_enqueue_rendered(*, message: EmailMultiAlternatives, kind: str, key: str | None = None) -> OutboxEmail:
    """Queue a message another library rendered (allauth's confirmation and reset mails)."""
    html = next((body for body, mimetype in message.alternatives if mimetype == "text/html"), "")
    email = OutboxEmail(
        dedup_key=key or f"{kind}:{uuid.uuid4()}",
        kind=kind,
        to=list(message.to),
        subject=message.subject,
        body_text=message.body,
        body_html=html,
    )
    return _outbox_insert_once(email)


def outbox_email_set_status(*, email: OutboxEmail, status: str, changes: dict | None = None, reason: str = "") -> bool:
    """Move an outbox row to `status` if OutboxEmail.TRANSITIONS allows it; the only writer of its status.

    Records the move (core.StatusChange) in the same transaction; `changes` are other fields
    written with it; moving to SENT stamps `sent_at`. Not idempotent: asking for the status the
    row already has raises StatusTransitionError like any refused move, since a second "sent"
    would mean a second copy. Call it with the row locked (email_deliver and email_retry do).
    """
    changes = dict(changes or {})
    if status == OutboxEmail.Status.SENT:
        changes.setdefault("sent_at", timezone.now())
    return status_move(email, status, changes=changes, reason=reason)


def email_deliver(*, email_id: int) -> OutboxEmail | None:
    """Send one outbox row at most once.

    The row is locked (SKIP LOCKED) for the duration of the send, so two workers
    can never send it concurrently, and a sent row is never sent again.
    A failure is recorded and retried later with exponential back-off.
    """
    with transaction.atomic():
        email = (
            OutboxEmail.objects.select_for_update(skip_locked=True)
            .filter(pk=email_id, status=OutboxEmail.Status.PENDING)
            .first()
        )
        if email is None:
            return None
        message = EmailMultiAlternatives(
            subject=email.subject,
            body=email.body_text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=email.to,
            connection=get_connection(),
        )
        if email.body_html:
            message.attach_alternative(email.body_html, "text/html")
        for attachment in email.attachments:
            message.attach(attachment["filename"], base64.b64decode(attachment["content"]), attachment["mimetype"])
        attempts = email.attempts + 1
        try:
            message.send()
        except Exception as exc:  # any provider or network error: keep the row and retry later
            logger.warning("E-mail %s failed (attempt %s): %s", email.pk, attempts, exc)
            error = f"{type(exc).__name__}: {exc}"
            if attempts >= settings.EMAIL_MAX_ATTEMPTS:
                outbox_email_set_status(
                    email=email,
                    status=OutboxEmail.Status.FAILED,
                    changes={"attempts": attempts, "last_error": error, "next_attempt_at": None},
                    reason=f"Gave up after {attempts} attempts: {error}",
                )
            else:
                delay = RETRY_BASE_SECONDS * 2 ** (attempts - 1)
                email.attempts, email.last_error = attempts, error
                email.next_attempt_at = timezone.now() + timedelta(seconds=delay)
                email.save(update_fields=["attempts", "last_error", "next_attempt_at", "updated_at"])
        else:
            outbox_email_set_status(
                email=email,
                status=OutboxEmail.Status.SENT,
                changes={"attempts": attempts, "last_error": "", "next_attempt_at": None},
            )
        return email


def emails_deliver_due(*, now=None) -> int:
    """Deliver every pending row whose retry time has come (or that was never tried)."""
    now = now or timezone.now()
    due = OutboxEmail.objects.filter(status=OutboxEmail.Status.PENDING).exclude(next_attempt_at__gt=now)
    sent = 0
    for email_id in due.values_list("pk", flat=True):
        result = email_deliver(email_id=email_id)
        sent += bool(result and result.status == OutboxEmail.Status.SENT)
    return sent


def email_retry(*, email: OutboxEmail) -> bool:
    """Staff action: put a failed (or stuck pending) e-mail back in the queue.

    A sent e-mail is never re-queued, so a retry can never produce a second copy: the row is
    locked first, so a retry that arrives while a worker is sending it waits and then finds it
    sent. A failed row moves back to pending (recorded); a pending one only has its attempts
    reset. Returns whether the row was re-queued.
    """
    requeue = {"attempts": 0, "next_attempt_at": None}
    with transaction.atomic():
        row = OutboxEmail.objects.select_for_update().filter(pk=email.pk).first()
        if row is None or row.status == OutboxEmail.Status.SENT:
            return False
        if row.status == OutboxEmail.Status.FAILED:
            outbox_email_set_status(email=row, status=OutboxEmail.Status.PENDING, changes=requeue, reason="Retried")
        else:
            OutboxEmail.objects.filter(pk=row.pk).update(**requeue)
        _schedule_delivery(row.pk)
    return True
