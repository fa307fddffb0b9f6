"""Credit notes are rendered after the refund that issues them commits, on the documents queue, once.

As for invoices (test_documents_render.py): the number is taken gap-free in the refund's own
transaction, the PDF is rendered afterwards by the `documents` queue or by whoever asks first (a
download), under a lock of the credit note's row only, and stored with its hash; the refund e-mail
is queued by that render, with exactly the stored bytes attached.
"""

import hashlib
from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from commerce.documents.rendering import RENDER_OVERDUE_AFTER, documents_render_pending
from commerce.documents.services import credit_note_issue, invoice_issue
from commerce.models import CreditNote
from commerce.refunds.services import refund_start
from commerce.tests.factories import paid_order
from commerce.tests.invoice_fixtures import succeeded_refund
from commerce.tests.stripe_fixtures import order_paid
from courses.tests.factories import CourseFactory
from innerwork.celery import app as celery_app
from innerwork.core.models import OutboxEmail

REFUND_EMAIL = "commerce/refund_issued"


@pytest.fixture
def no_worker(monkeypatch):
    """Tasks are sent to the (in-memory) broker and wait there, as when no `documents` worker has taken them yet."""
    monkeypatch.setattr(celery_app.conf, "task_always_eager", False)


def _unrendered_credit_note(order) -> CreditNote:
    """A credit note as a refund leaves it: numbered, committed, its render task queued (see no_worker)."""
    invoice_issue(order=order)
    refund = succeeded_refund(order=order, amounts={order.lines.first(): 1000})
    with transaction.atomic():
        return credit_note_issue(refund=refund, render_after_commit=True)


def _credit_note_url(credit_note) -> str:
    order = credit_note.invoice.order
    return reverse("commerce:credit_note_pdf", kwargs={"number": order.number, "cn_number": credit_note.number})


@pytest.mark.django_db
def test_a_refund_numbers_its_credit_note_at_once_and_renders_it_only_after_the_refund_commits(
    client, buyer, emulator, pdf_renderings, django_capture_on_commit_callbacks
):
    # given a paid order whose invoice is already rendered
    order = order_paid(emulator, client, buyer, CourseFactory(title="Calm", price_amount=4900))
    invoice_issue(order=order)
    rendered_before = len(pdf_renderings)

    # when staff refund it, before the refund's after-commit work runs
    with django_capture_on_commit_callbacks(execute=False) as after_commit:
        refund = refund_start(
            order=order, amounts=None, reason="Duplicate", actor=None, source="staff", request_key="k"
        )

    # then the credit note is numbered, nothing was rendered in the refund, and no refund e-mail waits
    credit_note = CreditNote.objects.get(refund=refund)
    assert credit_note.number.startswith("CN-")
    assert (bytes(credit_note.pdf), credit_note.pdf_sha256) == (b"", "")
    assert len(pdf_renderings) == rendered_before
    assert not OutboxEmail.objects.filter(kind=REFUND_EMAIL).exists()

    # when the after-commit work runs (the render task, eager here), twice as a redelivered task would
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            for callback in after_commit:
                callback()

    # then the PDF is stored with its hash, rendered once, and one refund e-mail carries exactly it
    credit_note.refresh_from_db()
    assert credit_note.pdf_sha256 == hashlib.sha256(bytes(credit_note.pdf)).hexdigest()
    assert len(pdf_renderings) == rendered_before + 1
    (email,) = [message for message in mail.outbox if "refund" in message.subject.lower()]
    assert email.attachments == [(f"{credit_note.number}.pdf", bytes(credit_note.pdf), "application/pdf")]
    assert OutboxEmail.objects.filter(kind=REFUND_EMAIL).count() == 1


def test_the_credit_note_render_task_goes_to_the_documents_queue():
    route = celery_app.amqp.router.route({}, "commerce.documents.credit_note_render")
    assert route["queue"].name == "documents"


@pytest.mark.django_db
def test_a_download_before_the_task_renders_the_credit_note_once_and_every_later_one_gets_the_same_bytes(
    client, pdf_renderings, no_worker
):
    # given a credit note whose render task has not run yet
    order = paid_order()
    credit_note = _unrendered_credit_note(order)
    client.force_login(order.user)
    rendered_before = len(pdf_renderings)

    # when its owner downloads it three times
    responses = [client.get(_credit_note_url(credit_note)) for _ in range(3)]

    # then it was rendered on the first download only, and every download is the stored file
    assert [response.status_code for response in responses] == [200, 200, 200]
    stored = CreditNote.objects.get(pk=credit_note.pk)
    assert {response.content for response in responses} == {bytes(stored.pdf)}
    assert hashlib.sha256(responses[0].content).hexdigest() == stored.pdf_sha256
    assert len(pdf_renderings) == rendered_before + 1
    # and issuing it again returns the same frozen document
    assert credit_note_issue(refund=stored.refund).pdf_sha256 == stored.pdf_sha256
    assert len(pdf_renderings) == rendered_before + 1


@pytest.mark.django_db
def test_the_sweep_renders_credit_notes_whose_task_was_lost_and_leaves_fresh_ones_to_their_task(
    pdf_renderings, no_worker
):
    # given two unrendered credit notes: one issued minutes ago (its task lost), one just now
    lost, fresh = _unrendered_credit_note(paid_order()), _unrendered_credit_note(paid_order())
    CreditNote.objects.filter(pk=lost.pk).update(issued_at=timezone.now() - RENDER_OVERDUE_AFTER - timedelta(seconds=1))
    rendered_before = len(pdf_renderings)

    # when the sweep runs twice
    first, second = documents_render_pending(), documents_render_pending()

    # then only the overdue one was rendered, once, and its refund e-mail queued with it
    assert (first, second) == (1, 0)
    assert CreditNote.objects.get(pk=lost.pk).pdf_sha256
    assert CreditNote.objects.get(pk=fresh.pk).pdf_sha256 == ""
    assert len(pdf_renderings) == rendered_before + 1
    assert OutboxEmail.objects.filter(kind=REFUND_EMAIL, dedup_key=f"refund:{lost.refund_id}:customer").count() == 1
