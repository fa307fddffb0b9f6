"""The order page's documents in a real browser (laptop and phone): the invoice and credit note download as stored.

Screenshots land in artifacts/screenshots/ to be looked at.
"""

import pytest
from playwright.sync_api import expect

from commerce.documents.services import credit_note_issue, invoice_issue
from commerce.tests.factories import paid_order
from commerce.tests.invoice_fixtures import succeeded_refund
from innerwork.accounts.tests.factories import PASSWORD, VerifiedUserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.documents, pytest.mark.django_db(transaction=True)]


def log_in(page, base, user):
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name='login']", user.email)
    page.fill("input[name='password']", PASSWORD)
    page.locator("form:has([name='password']) [type=submit]").first.click()
    page.wait_for_load_state()


def test_the_customer_downloads_the_invoice_and_the_credit_note_from_the_order_page(page, live_server):
    # given a paid order of two courses, invoiced, with 25.00 refunded on the second
    user = VerifiedUserFactory(full_name="Maya Buyer")
    order = paid_order(user=user, lines=((5000, 1000), (2500, 500)), coupon_code="SPRING20")
    invoice = invoice_issue(order=order)
    second_line = order.lines.order_by("pk").last()
    credit_note = credit_note_issue(refund=succeeded_refund(order=order, amounts={second_line: 2000}))
    log_in(page, live_server.url, user)

    # when they open the order page
    page.goto(live_server.url + order.get_absolute_url())

    # then its aside lists both documents
    documents = page.locator("[data-documents]")
    expect(documents).to_contain_text(f"Invoice {invoice.number}")
    expect(documents).to_contain_text(f"Credit note {credit_note.number}")
    expect(documents).to_contain_text("−$20.00")
    page.shot("order-documents-laptop")
    page.set_viewport_size({"width": 390, "height": 844})
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
    page.shot("order-documents-phone")
    page.set_viewport_size({"width": 1280, "height": 900})

    # and each link downloads the stored PDF, byte for byte
    for document, name in ((invoice, "Invoice"), (credit_note, "Credit note")):
        with page.expect_download() as download:
            documents.get_by_role("link", name=f"{name} {document.number}").click()
        assert download.value.suggested_filename == f"{document.number}.pdf"
        with open(download.value.path(), "rb") as saved:
            assert saved.read() == bytes(document.pdf)
