"""Invoice and credit-note downloads (who may, byte for byte), the order page's documents, and the receipt's PDF."""

import hashlib

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from commerce.checkout.fulfilment import order_complete_free
from commerce.documents.services import credit_note_issue, invoice_issue
from commerce.models import Invoice, Order
from commerce.tests.factories import OrderFactory, OrderLineFactory, paid_order
from commerce.tests.invoice_fixtures import pdf_text, succeeded_refund
from commerce.tests.stripe_fixtures import cart_for, checkout, session_id_of, success_path
from courses.tests.factories import CourseFactory
from innerwork.accounts.tests.factories import StaffFactory, UserFactory
from innerwork.core.models import OutboxEmail

pytestmark = pytest.mark.django_db


@pytest.fixture
def documents():
    """A paid order of two courses with its invoice and one credit note (10.00 back on the first course)."""
    order = paid_order()
    invoice = invoice_issue(order=order)
    credit_note = credit_note_issue(refund=succeeded_refund(order=order, amounts={order.lines.first(): 1000}))
    return order, invoice, credit_note


def invoice_url(order):
    return reverse("commerce:invoice_pdf", kwargs={"number": order.number})


def credit_note_url(order, credit_note):
    return reverse("commerce:credit_note_pdf", kwargs={"number": order.number, "cn_number": credit_note.number})


def staff_with(*codenames):
    user = StaffFactory(is_superuser=False)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="commerce", codename__in=codenames))
    return user


# -- downloads -------------------------------------------------------------------------------------


@pytest.mark.documents
def test_the_owner_downloads_the_stored_invoice_byte_for_byte_as_an_attachment(client, documents):
    order, invoice, _ = documents
    client.force_login(order.user)

    first = client.get(invoice_url(order))
    second = client.get(invoice_url(order))

    assert first.status_code == 200
    assert first["Content-Type"] == "application/pdf"
    assert first["Content-Disposition"] == f'attachment; filename="{invoice.number}.pdf"'
    assert first.content == bytes(Invoice.objects.get(pk=invoice.pk).pdf)
    assert hashlib.sha256(first.content).hexdigest() == invoice.pdf_sha256
    assert second.content == first.content


@pytest.mark.documents
def test_the_owner_downloads_each_credit_note(client, documents):
    order, _, credit_note = documents
    client.force_login(order.user)

    response = client.get(credit_note_url(order, credit_note))

    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{credit_note.number}.pdf"'
    assert hashlib.sha256(response.content).hexdigest() == credit_note.pdf_sha256
    assert credit_note.number in pdf_text(response.content)


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous", 404),
        ("another customer", 404),
        ("staff without the permission", 404),
        ("staff with download_documents", 200),
        ("superuser", 200),
    ],
)
def test_only_the_owner_and_staff_allowed_to_download_documents_get_them(client, documents, who, status):
    # given someone who is not the order's owner
    order, _, credit_note = documents
    user = {
        "anonymous": lambda: None,
        "another customer": UserFactory,
        "staff without the permission": lambda: staff_with("view_order", "refund_order"),
        "staff with download_documents": lambda: staff_with("download_documents"),
        "superuser": StaffFactory,
    }[who]()
    if user is not None:
        client.force_login(user)

    # when they ask for the invoice and the credit note
    responses = [client.get(invoice_url(order)), client.get(credit_note_url(order, credit_note))]

    # then they get both, or a 404 that says nothing about whether the documents exist
    assert [response.status_code for response in responses] == [status, status]
    if status == 404:
        assert all(response.get("Content-Type", "").startswith("text/html") for response in responses)
        assert all(order.number not in response.content.decode() for response in responses)


def test_unknown_numbers_and_a_credit_note_of_another_order_are_not_found(client, documents):
    order, _, credit_note = documents
    other = paid_order(user=order.user)
    invoice_issue(order=other)
    client.force_login(order.user)

    assert client.get(credit_note_url(other, credit_note)).status_code == 404
    assert client.get(reverse("commerce:invoice_pdf", kwargs={"number": "ORD-20260101-NOPE00"})).status_code == 404
    missing = reverse("commerce:credit_note_pdf", kwargs={"number": order.number, "cn_number": "CN-2026-999999"})
    assert client.get(missing).status_code == 404


def test_an_order_without_an_invoice_has_nothing_to_download(client):
    order = OrderFactory()
    OrderLineFactory(order=order)
    client.force_login(order.user)

    assert client.get(invoice_url(order)).status_code == 404


# -- the order page --------------------------------------------------------------------------------


def test_the_order_page_links_the_invoice_and_each_credit_note_with_number_date_and_amount(client, documents):
    order, invoice, credit_note = documents
    client.force_login(order.user)

    response = client.get(order.get_absolute_url())

    assertContains(response, f'href="{invoice_url(order)}"')
    assertContains(response, f"Invoice {invoice.number}")
    assertContains(response, f'href="{credit_note_url(order, credit_note)}"')
    assertContains(response, f"Credit note {credit_note.number}")
    assertContains(response, "−$10.00")
    assertContains(response, f"{credit_note.issued_at:%b} {credit_note.issued_at.day}, {credit_note.issued_at.year}")


@pytest.mark.parametrize("paid", [False, True], ids=["unpaid", "free"])
def test_an_unpaid_or_free_order_page_shows_no_documents(client, paid):
    order = paid_order(lines=((0, 0),)) if paid else OrderFactory()
    if not paid:
        OrderLineFactory(order=order)
    client.force_login(order.user)

    response = client.get(order.get_absolute_url())

    assert response.status_code == 200
    assertNotContains(response, "data-documents")
    assertNotContains(response, "invoice.pdf")


# -- paid through Stripe: the invoice is issued by fulfilment and attached to the receipt --------------


@pytest.mark.documents
def test_a_payment_issues_the_invoice_and_the_confirmation_carries_its_pdf(
    client, buyer, emulator, django_capture_on_commit_callbacks
):
    # given an order of two courses on Stripe's page
    cart_for(buyer, CourseFactory(title="Calm", price_amount=5000), CourseFactory(title="Focus", price_amount=2500))
    session_id = session_id_of(checkout(client))
    order = Order.objects.get()
    emulator.pay_checkout_session(session_id, card="4242424242424242", name="Maya Buyer")

    # when the customer comes back from paying
    with django_capture_on_commit_callbacks(execute=True):
        client.get(success_path(order, session_id))

    # then the order has its invoice, with what Stripe reported
    invoice = Invoice.objects.get(order=order)
    assert (invoice.total_amount, invoice.card_last4, invoice.buyer["name"]) == (7500, "4242", "Maya Buyer")
    text = pdf_text(bytes(invoice.pdf))
    assert "Calm" in text
    assert "Focus" in text
    # and the confirmation e-mail attaches exactly that PDF
    (confirmation,) = [message for message in mail.outbox if order.number in message.subject]
    assert confirmation.attachments == [(f"{invoice.number}.pdf", bytes(invoice.pdf), "application/pdf")]
    assert f"Your invoice {invoice.number} is attached" in confirmation.body
    stored = OutboxEmail.objects.get(kind="commerce/order_confirmation")
    assert [attachment["filename"] for attachment in stored.attachments] == [f"{invoice.number}.pdf"]

    # when the customer opens the success page again, nothing new is issued or sent
    with django_capture_on_commit_callbacks(execute=True):
        client.get(success_path(order, session_id))
    assert Invoice.objects.count() == 1
    assert OutboxEmail.objects.filter(kind="commerce/order_confirmation").count() == 1


def test_a_free_order_is_completed_without_an_invoice_or_an_attachment(django_capture_on_commit_callbacks):
    # given an order a 100 % code made free
    order = OrderFactory(subtotal_amount=4900, discount_amount=4900)
    OrderLineFactory(order=order, ref=str(CourseFactory().pk), unit_amount=4900, discount_amount=4900)

    # when it is completed
    with django_capture_on_commit_callbacks(execute=True):
        order_complete_free(order=order)

    # then it has no invoice (nothing was sold for money), and the confirmation attaches nothing
    assert not Invoice.objects.exists()
    assert "invoice:issue" not in set(order.effects.values_list("key", flat=True))
    (confirmation,) = [message for message in mail.outbox if order.number in message.subject]
    assert confirmation.attachments == []
    assert "Your invoice" not in confirmation.body
