"""Document numbers: one gap-free series per kind and year (INV-2026-000042, CN-2026-000007).

A number is taken from a locked DocumentCounter row inside the transaction that saves the document,
so a rolled-back issue gives its number back and two issues at the same moment never share one.
"""

from __future__ import annotations

from django.db import connection

from commerce.models import DocumentCounter

INVOICE_SERIES = "INV"
CREDIT_NOTE_SERIES = "CN"

NOT_IN_TRANSACTION = "document_number_next must run inside the transaction that saves the document"


def document_number_next(*, series: str, year: int) -> str:
    """The next number of `series` for `year`: "INV-2026-000042".

    One statement: the (series, year) counter row is created on first use or moved on by one
    (INSERT ... ON CONFLICT DO UPDATE ... RETURNING), and stays locked until the caller's
    transaction ends. Call it inside the transaction that saves the document: a rollback gives
    the number back, so numbers are gap-free, and no two documents ever get the same number.
    Raises RuntimeError outside a transaction, where the number would be spent at once.
    """
    if not connection.in_atomic_block:
        raise RuntimeError(NOT_IN_TRANSACTION)
    table = connection.ops.quote_name(DocumentCounter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f'INSERT INTO {table} ("series", "year", "last_value") VALUES (%s, %s, 1) '  # noqa: S608 - model's table
            f'ON CONFLICT ("series", "year") DO UPDATE SET "last_value" = {table}."last_value" + 1 '
            'RETURNING "last_value"',
            [series, year],
        )
        (value,) = cursor.fetchone()
    return f"{series}-{year}-{value:06d}"
