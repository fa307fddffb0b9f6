"""Invoices and credit notes: numbering, what the PDF says, and that a document never changes once issued."""

import hashlib
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone

from commerce.documents.numbering import document_number_next
from commerce.documents.services import REFUND_NOT_SUCCEEDED, credit_note_issue, invoice_issue, tax_included
from commerce.models import CreditNote, DocumentCounter, Invoice, Refund
from commerce.tests.factories import OrderFactory, OrderLineFactory, paid_order
from commerce.tests.invoice_fixtures import pdf_text, succeeded_refund
from innerwork.accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SELLER_ADDRESS = "InnerWork Learning Ltd\n1 Main Street\nDublin D02 XY45\nIreland"


@pytest.fixture
def seller(settings):
    settings.SELLER_NAME = "InnerWork"
    settings.SELLER_ADDRESS = SELLER_ADDRESS
    settings.SELLER_TAX_ID = "IE1234567T"
    settings.SELLER_EMAIL = "billing@innerwork.test"
    settings.INVOICE_TAX_RATE = Decimal("20")
    return settings


# -- numbers ---------------------------------------------------------------------------------------


def test_numbers_count_up_per_series_and_year_with_six_digits():
    with transaction.atomic():
        numbers = [document_number_next(series="INV", year=2026) for _ in range(3)]
        credit = document_number_next(series="CN", year=2026)
        next_year = document_number_next(series="INV", year=2027)

    assert numbers == ["INV-2026-000001", "INV-2026-000002", "INV-2026-000003"]
    assert credit == "CN-2026-000001"
    assert next_year == "INV-2027-000001"


def test_a_rolled_back_issue_gives_its_number_back():
    # given a number taken in a transaction that then fails
    taken = []

    def issue_then_fail():
        with transaction.atomic():
            taken.append(document_number_next(series="INV", year=2026))
            raise RuntimeError("rendering failed")

    with pytest.raises(RuntimeError, match="rendering failed"):
        issue_then_fail()

    # when the next document is issued
    with transaction.atomic():
        number = document_number_next(series="INV", year=2026)

    # then it gets the same number: no gap
    assert taken == ["INV-2026-000001"]
    assert number == "INV-2026-000001"


def test_an_invoice_issued_in_a_new_year_starts_that_year_at_000001():
    # given invoices already issued in 2026
    for _ in range(2):
        invoice_issue(order=paid_order(), now=datetime(2026, 12, 31, 23, 59, tzinfo=UTC))

    # when the first invoice of 2027 is issued (midnight UTC has passed)
    invoice = invoice_issue(order=paid_order(), now=datetime(2027, 1, 1, 0, 1, tzinfo=UTC))

    # then
    assert invoice.number == "INV-2027-000001"
    assert sorted(Invoice.objects.values_list("number", flat=True)) == [
        "INV-2026-000001",
        "INV-2026-000002",
        "INV-2027-000001",
    ]


# -- invoice ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("total", "rate", "tax"),
    [(6000, Decimal("0"), 0), (6000, Decimal("20"), 1000), (999, Decimal("20"), 166), (4900, Decimal("7.5"), 342)],
)
def test_tax_is_included_in_the_total(total, rate, tax):
    assert tax_included(total=total, rate=rate) == tax


@pytest.mark.documents
def test_the_invoice_pdf_shows_number_seller_buyer_lines_discount_tax_total_and_card(seller):
    # given an order of two courses with a code taking 10.00 and 5.00 off, paid by Visa 4242
    order = paid_order(lines=((5000, 1000), (2500, 500)), coupon_code="SPRING20")

    # when its invoice is issued
    invoice = invoice_issue(order=order)

    # then the row keeps every figure, and the PDF prints them
    assert invoice.number == f"INV-{timezone.now().year}-000001"
    assert (invoice.subtotal_amount, invoice.discount_amount, invoice.total_amount) == (7500, 1500, 6000)
    assert (invoice.tax_rate, invoice.tax_amount) == (Decimal("20"), 1000)
    text = pdf_text(bytes(invoice.pdf))
    assert "Invoice" in text
    assert invoice.number in text
    for seller_line in ["InnerWork", *SELLER_ADDRESS.splitlines(), "IE1234567T", "billing@innerwork.test"]:
        assert seller_line in text
    for buyer_line in ["Maya Buyer", "12 Harbour Road", "D02 XY45 Dublin"]:
        assert buyer_line in text
    assert order.user.email in "".join(text.split())  # a long address may break across lines
    assert "Course number 1" in text
    assert "Course number 2" in text
    assert "$50.00" in text
    assert "$25.00" in text
    assert "Discount (SPRING20)" in text
    assert "−$15.00" in text
    assert "Tax included (20%) $10.00" in text
    assert "Total (USD) $60.00" in text
    assert "Visa •••• 4242" in text
    assert order.number in text
    assert "Dates are in UTC" in text


@pytest.mark.documents
def test_a_long_buyer_address_breaks_in_its_own_column_and_leaves_the_sellers_lines_whole(seller):
    buyer = UserFactory(email="maya.buyer.with.a.rather.long.address@example-holdings-international.com")
    order = paid_order(lines=((5000, 0),), user=buyer)

    text = pdf_text(bytes(invoice_issue(order=order).pdf))

    for seller_line in SELLER_ADDRESS.splitlines():
        assert seller_line in text.splitlines()
    assert buyer.email in "".join(text.split())


@pytest.mark.documents
def test_the_stored_hash_is_the_sha256_of_the_stored_pdf():
    invoice = invoice_issue(order=paid_order())

    invoice.refresh_from_db()

    assert bytes(invoice.pdf).startswith(b"%PDF")
    assert invoice.pdf_sha256 == hashlib.sha256(bytes(invoice.pdf)).hexdigest()


def test_issuing_again_returns_the_same_invoice_unchanged_even_after_the_settings_change(seller):
    # given an issued invoice
    order = paid_order()
    first = invoice_issue(order=order)
    # when the seller's details and tax rate change, and the invoice is asked for again
    seller.SELLER_NAME = "Someone Else"
    seller.INVOICE_TAX_RATE = Decimal("10")
    second = invoice_issue(order=order)
    # then it is the same row, with the same number, figures and bytes
    assert second.pk == first.pk
    second.refresh_from_db()
    assert (second.number, second.pdf_sha256, bytes(second.pdf)) == (first.number, first.pdf_sha256, first.pdf)
    assert (second.seller["name"], second.tax_rate) == ("InnerWork", Decimal("20"))
    assert Invoice.objects.count() == 1
    assert DocumentCounter.objects.get(series="INV").last_value == 1


def test_an_unpaid_or_free_order_gets_no_invoice_and_spends_no_number():
    unpaid = OrderFactory()
    OrderLineFactory(order=unpaid)
    free = paid_order(lines=((0, 0),))

    assert invoice_issue(order=unpaid) is None
    assert invoice_issue(order=free) is None
    assert not Invoice.objects.exists()
    assert not DocumentCounter.objects.exists()


# -- credit notes ----------------------------------------------------------------------------------


@pytest.mark.documents
def test_a_credit_note_lists_the_refunded_lines_as_negatives_and_refers_to_the_invoice(seller):
    # given an invoiced order of two courses, and a succeeded refund of 40.00 on the first
    order = paid_order(lines=((5000, 1000), (2500, 500)), coupon_code="SPRING20")
    invoice = invoice_issue(order=order)
    first_line = order.lines.order_by("pk").first()
    refund = succeeded_refund(order=order, amounts={first_line: 4000}, reason="Bought the wrong course")

    # when its credit note is issued
    credit_note = credit_note_issue(refund=refund)

    # then
    assert credit_note.number.startswith("CN-")
    assert credit_note.number.endswith("-000001")
    assert credit_note.invoice == invoice
    assert (credit_note.total_amount, credit_note.tax_rate, credit_note.tax_amount) == (4000, Decimal("20"), 667)
    assert credit_note.lines == [
        {"line_id": first_line.pk, "title": "Course number 1", "kind": "course", "ref": first_line.ref, "amount": 4000}
    ]
    text = pdf_text(bytes(credit_note.pdf))
    assert f"Credit note for invoice {invoice.number}".upper() in text.upper()
    assert credit_note.number in text
    assert "Course number 1" in text
    assert "Course number 2" not in text
    assert "Total credited (USD) −$40.00" in text
    assert "Tax included (20%) −$6.67" in text
    assert "Bought the wrong course" in text
    assert "Maya Buyer" in text
    assert "IE1234567T" in text
    assert credit_note.pdf_sha256 == hashlib.sha256(bytes(credit_note.pdf)).hexdigest()


def test_each_refund_gets_one_credit_note_and_the_invoice_is_issued_first_when_missing():
    # given a paid order never invoiced (paid before invoices existed), and two partial refunds
    order = paid_order(lines=(5000, 2500))
    first, second = order.lines.order_by("pk")
    refunds = [
        succeeded_refund(order=order, amounts={first: 5000}),
        succeeded_refund(order=order, amounts={second: 100}),
    ]

    # when the credit notes are issued, the first one twice
    notes = [
        credit_note_issue(refund=refunds[0]),
        credit_note_issue(refund=refunds[0]),
        credit_note_issue(refund=refunds[1]),
    ]

    # then the invoice came first, each refund has one credit note, and the numbers follow each other
    invoice = Invoice.objects.get(order=order)
    assert invoice.number.endswith("-000001")
    assert notes[0].pk == notes[1].pk
    assert [note.number[-6:] for note in (notes[0], notes[2])] == ["000001", "000002"]
    assert CreditNote.objects.filter(invoice=invoice).count() == 2


def test_a_refund_that_has_not_succeeded_gets_no_credit_note():
    order = paid_order()
    refund = succeeded_refund(order=order, amounts={order.lines.first(): 1000})
    Refund.objects.filter(pk=refund.pk).update(status=Refund.Status.PENDING)

    with pytest.raises(ValueError, match="issued for a succeeded refund only") as error:
        credit_note_issue(refund=refund)

    assert str(error.value) == REFUND_NOT_SUCCEEDED.format(refund=refund.pk, status="pending")
    assert not CreditNote.objects.exists()


def test_a_refund_on_an_order_that_was_never_invoiced_and_cannot_be_gets_no_credit_note_and_no_number():
    # given a payment under review (recorded, but the order never settled), refunded
    order = OrderFactory(amount_paid=4900, paid_at=timezone.now(), card_last4="4242")
    line = OrderLineFactory(order=order)
    refund = succeeded_refund(order=order, amounts={line: 4900})

    # when a credit note is asked for
    credit_note = credit_note_issue(refund=refund)

    # then there is nothing to credit, and no number was spent
    assert credit_note is None
    assert not Invoice.objects.exists()
    assert not DocumentCounter.objects.exists()
