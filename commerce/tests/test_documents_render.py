"""Invoice PDFs are rendered after fulfilment commits, on their own queue, once, whoever asks first.

Fulfilment takes the invoice's number gap-free in its own transaction (test_invoices_concurrency
proves the numbering) and leaves the PDF to the `documents` queue; a download or the confirmation
that comes first renders it. These tests prove that no render happens under the numbering's lock,
that a render happens once however many ask for it at the same moment, and that a lost task is
picked up by the sweep.
"""

import hashlib
import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connections, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from commerce.documents.rendering import RENDER_OVERDUE_AFTER, documents_render_pending
from commerce.documents.services import invoice_issue
from commerce.models import Invoice, Order
from commerce.tests.factories import paid_order
from commerce.tests.stripe_fixtures import cart_for, checkout, run_at_once, session_id_of, success_path
from courses.tests.factories import CourseFactory
from innerwork.celery import app as celery_app
from innerwork.core import pdf
from innerwork.core.models import OutboxEmail


def _invoice_url(order) -> str:
    return reverse("commerce:invoice_pdf", kwargs={"number": order.number})


def _unrendered_invoice(order) -> Invoice:
    """The order's invoice as fulfilment leaves it: numbered, committed, its render task queued (see no_worker)."""
    with transaction.atomic():
        return invoice_issue(order=order, render_after_commit=True)


@pytest.fixture
def no_worker(monkeypatch):
    """Tasks are sent to the (in-memory) broker and wait there, as when no `documents` worker has taken them yet."""
    monkeypatch.setattr(celery_app.conf, "task_always_eager", False)


@pytest.fixture
def slow_render(monkeypatch):
    """Each render waits at `gate` (set by the test) before it writes the PDF: a render in progress, held open."""
    gate = threading.Event()
    started = threading.Event()
    stand_in = pdf.HTML  # the conftest's stand-in for WeasyPrint

    class Held:
        def __init__(self, **kwargs):
            self.document = stand_in(**kwargs)

        def write_pdf(self, *args, **kwargs):
            started.set()
            assert gate.wait(timeout=30), "the test never released the render"
            return self.document.write_pdf(*args, **kwargs)

    monkeypatch.setattr(pdf, "HTML", Held)
    return gate, started


@pytest.mark.django_db
def test_a_paid_order_is_invoiced_at_once_and_its_pdf_rendered_only_after_the_fulfilment_commits(
    client, buyer, emulator, pdf_renderings, django_capture_on_commit_callbacks
):
    # given an order paid at Stripe
    cart_for(buyer, CourseFactory(title="Calm", price_amount=4900))
    session_id = session_id_of(checkout(client))
    order = Order.objects.get()
    emulator.pay_checkout_session(session_id)

    # when the success page fulfils it, before its transaction's after-commit work runs
    with django_capture_on_commit_callbacks(execute=False) as after_commit:
        client.get(success_path(order, session_id))

    # then the invoice is numbered, but nothing was rendered inside the fulfilment and no confirmation waits
    invoice = Invoice.objects.get(order=order)
    assert invoice.number.startswith("INV-")
    assert (bytes(invoice.pdf), invoice.pdf_sha256, pdf_renderings) == (b"", "", [])
    assert not OutboxEmail.objects.filter(kind="commerce/order_confirmation").exists()

    # when the transaction's after-commit work runs (the render task, eager here)
    with django_capture_on_commit_callbacks(execute=True):
        for callback in after_commit:
            callback()

    # then the PDF is stored with its hash, rendered once, and the confirmation carries exactly it
    invoice.refresh_from_db()
    assert invoice.pdf_sha256 == hashlib.sha256(bytes(invoice.pdf)).hexdigest()
    assert len(pdf_renderings) == 1
    (confirmation,) = [message for message in mail.outbox if order.number in message.subject]
    assert confirmation.attachments == [(f"{invoice.number}.pdf", bytes(invoice.pdf), "application/pdf")]


def test_the_render_task_goes_to_the_documents_queue():
    route = celery_app.amqp.router.route({}, "commerce.documents.invoice_render")
    assert route["queue"].name == "documents"


@pytest.mark.django_db
def test_a_download_before_the_task_renders_the_pdf_once_and_every_later_one_gets_the_same_bytes(
    client, pdf_renderings, no_worker
):
    # given an invoice whose render task has not run yet
    order = paid_order()
    invoice = _unrendered_invoice(order)
    client.force_login(order.user)

    # when its owner downloads it three times
    responses = [client.get(_invoice_url(order)) for _ in range(3)]

    # then it was rendered on the first download only, and every download is the stored file
    assert [response.status_code for response in responses] == [200, 200, 200]
    stored = Invoice.objects.get(pk=invoice.pk)
    assert {response.content for response in responses} == {bytes(stored.pdf)}
    assert hashlib.sha256(responses[0].content).hexdigest() == stored.pdf_sha256
    assert len(pdf_renderings) == 1


@pytest.mark.django_db(transaction=True)
def test_two_first_downloads_at_the_same_moment_render_once_and_store_one_file(pdf_renderings, slow_render, no_worker):
    # given an unrendered invoice, and a render slow enough that both downloads arrive while it runs
    gate, started = slow_render
    order = paid_order()
    invoice = _unrendered_invoice(order)
    clients = [Client(), Client()]
    for each in clients:
        each.force_login(order.user)

    # when the owner's two downloads start together (the second arrives while the first renders)
    def release_when_both_are_in():
        started.wait(timeout=30)
        threading.Timer(0.5, gate.set).start()

    threading.Thread(target=release_when_both_are_in).start()
    responses = run_at_once(*(lambda each=each: each.get(_invoice_url(order)) for each in clients))

    # then both got the same bytes, rendered once and stored once
    assert [getattr(response, "status_code", response) for response in responses] == [200, 200]
    assert responses[0].content == responses[1].content
    stored = Invoice.objects.get(pk=invoice.pk)
    assert bytes(stored.pdf) == responses[0].content
    assert stored.pdf_sha256 == hashlib.sha256(responses[0].content).hexdigest()
    assert len(pdf_renderings) == 1


@pytest.mark.django_db(transaction=True)
def test_a_render_in_progress_holds_no_lock_that_another_orders_invoice_needs(slow_render, no_worker):
    # given one invoice being rendered, its render held open
    gate, started = slow_render
    rendering, other = paid_order(), paid_order()
    invoice = _unrendered_invoice(rendering)
    render = threading.Thread(target=lambda: (invoice_issue(order=rendering), connections.close_all()))
    render.start()
    assert started.wait(timeout=30)

    # when another order is paid and invoiced meanwhile (as fulfilment does it)
    issued = run_at_once(lambda: _unrendered_invoice(other))

    # then it was numbered without waiting for the render (neither the counter nor anything else is held)
    gate.set()
    render.join(timeout=30)
    assert not isinstance(issued[0], Exception), issued[0]
    numbers = sorted(Invoice.objects.values_list("number", flat=True))
    assert [number[-6:] for number in numbers] == ["000001", "000002"]
    assert Invoice.objects.get(pk=invoice.pk).pdf_sha256


@pytest.mark.django_db
def test_the_sweep_renders_invoices_whose_task_was_lost_and_leaves_fresh_ones_to_their_task(pdf_renderings, no_worker):
    # given two unrendered invoices: one issued minutes ago (its task lost), one just now
    lost, fresh = _unrendered_invoice(paid_order()), _unrendered_invoice(paid_order())
    Invoice.objects.filter(pk=lost.pk).update(issued_at=timezone.now() - RENDER_OVERDUE_AFTER - timedelta(seconds=1))

    # when the sweep runs twice
    first, second = documents_render_pending(), documents_render_pending()

    # then only the overdue one was rendered, once
    assert (first, second) == (1, 0)
    assert Invoice.objects.get(pk=lost.pk).pdf_sha256
    assert Invoice.objects.get(pk=fresh.pk).pdf_sha256 == ""
    assert len(pdf_renderings) == 1
