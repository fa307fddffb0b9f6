"""Invoice numbers under concurrent payments: real threads, each with its own PostgreSQL connection."""

import pytest
from django.db import transaction

from commerce.documents.numbering import NOT_IN_TRANSACTION, document_number_next
from commerce.documents.services import credit_note_issue, invoice_issue
from commerce.models import CreditNote, DocumentCounter, Invoice
from commerce.tests.factories import paid_order
from commerce.tests.invoice_fixtures import succeeded_refund
from commerce.tests.stripe_fixtures import run_at_once

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 20


def test_twenty_orders_paid_at_the_same_moment_get_invoices_000001_to_000020_without_gap_or_duplicate():
    # given twenty paid orders, none invoiced yet, in a year no counter exists for
    orders = [paid_order() for _ in range(THREADS)]
    year = orders[0].paid_at.year

    # when each is invoiced in its own thread, released together (the counter row is created by the race)
    results = run_at_once(*(lambda order=order: invoice_issue(order=order) for order in orders))

    # then every issue succeeded, and the numbers are exactly 1..20, once each
    assert not [result for result in results if isinstance(result, Exception)]
    numbers = sorted(Invoice.objects.values_list("number", flat=True))
    assert numbers == [f"INV-{year}-{n:06d}" for n in range(1, THREADS + 1)]
    assert sorted(result.number for result in results) == numbers
    assert DocumentCounter.objects.get(series="INV", year=year).last_value == THREADS


def test_the_same_order_invoiced_from_five_threads_at_once_gets_one_invoice_and_spends_one_number():
    order = paid_order()

    results = run_at_once(*(lambda: invoice_issue(order=order) for _ in range(5)))

    assert not [result for result in results if isinstance(result, Exception)]
    assert {result.pk for result in results} == {Invoice.objects.get().pk}
    assert DocumentCounter.objects.get(series="INV").last_value == 1


def test_rolled_back_issues_among_concurrent_ones_leave_no_gap():
    # given ten threads taking numbers at once, every other one rolling back after taking its number
    def take(fail: bool):
        def task():
            with transaction.atomic():
                number = document_number_next(series="INV", year=2031)
                if fail:
                    raise RuntimeError(f"rolled back {number}")
                return number

        return task

    results = run_at_once(*(take(fail=index % 2 == 1) for index in range(10)))

    # then the five that committed hold 000001..000005
    committed = sorted(result for result in results if isinstance(result, str))
    assert committed == [f"INV-2031-{n:06d}" for n in range(1, 6)]
    assert DocumentCounter.objects.get(series="INV", year=2031).last_value == 5


def test_credit_notes_of_concurrent_refunds_are_numbered_in_their_own_series_without_gap():
    # given five invoiced orders, each with a succeeded refund
    orders = [paid_order() for _ in range(5)]
    for order in orders:
        invoice_issue(order=order)
    refunds = [succeeded_refund(order=order, amounts={order.lines.first(): 1000}) for order in orders]
    year = orders[0].paid_at.year

    # when their credit notes are issued at the same moment
    results = run_at_once(*(lambda refund=refund: credit_note_issue(refund=refund) for refund in refunds))

    # then
    assert not [result for result in results if isinstance(result, Exception)]
    assert sorted(CreditNote.objects.values_list("number", flat=True)) == [f"CN-{year}-{n:06d}" for n in range(1, 6)]
    assert DocumentCounter.objects.get(series="INV", year=year).last_value == 5


def test_taking_a_number_outside_a_transaction_is_refused():
    # Autocommit would spend the number at once, whatever happens to the document.
    with pytest.raises(RuntimeError, match=NOT_IN_TRANSACTION):
        document_number_next(series="INV", year=2026)

    assert not DocumentCounter.objects.exists()
