"""Writing a row that a unique constraint makes at most one of, in one statement.

`get_or_create` costs a read, a savepoint, the INSERT and its release (four round trips) and
`create` in a savepoint three; `INSERT … ON CONFLICT (…) DO NOTHING RETURNING` costs one, needs no
savepoint (a conflict raises nothing, so the caller's transaction stays usable) and works on
PostgreSQL and on SQLite from 3.35.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connections, router
from django.db.models import Model
from django.db.models.signals import post_save


def row_insert_if_absent(instance: Model, *, unique_fields: Sequence[str]) -> bool:
    """Insert `instance` unless a row with the same `unique_fields` exists: True when this call inserted it.

    One statement, INSERT … ON CONFLICT (`unique_fields`) DO NOTHING RETURNING the primary key. The
    unique constraint on exactly those fields decides between concurrent callers: one inserts, every
    other gets False (on PostgreSQL after the winner's transaction ends, so the winner's row is then
    readable); a conflict with any other constraint still raises IntegrityError. When inserted, the
    instance gets its primary key and auto_now values, as `save` would give them, and post_save is
    sent with created=True, so receivers (the page cache, a course's figures) hear of the new row.
    When not, nothing is written, no signal sent, and the instance stays unsaved.
    """
    model = type(instance)
    meta = model._meta
    using = router.db_for_write(model, instance=instance)
    connection = connections[using]
    fields = [field for field in meta.local_concrete_fields if not (field.primary_key and instance.pk is None)]
    values = [field.get_db_prep_save(field.pre_save(instance, add=True), connection) for field in fields]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    conflict = ", ".join(quote(meta.get_field(name).column) for name in unique_fields)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({', '.join(['%s'] * len(fields))}) "  # noqa: S608 - the model's names
            f"ON CONFLICT ({conflict}) DO NOTHING RETURNING {quote(meta.pk.column)}",
            values,
        )
        inserted = cursor.fetchone()
    if inserted is None:
        return False
    instance.pk = inserted[0]
    instance._state.adding = False
    instance._state.db = using
    post_save.send(sender=model, instance=instance, created=True, update_fields=None, raw=False, using=using)
    return True
