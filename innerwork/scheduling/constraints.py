"""The database's own guard against double booking, on the backends that can enforce it.

PostgreSQL enforces "one host, no two live blocked ranges that overlap" with an exclusion
constraint (btree_gist). SQLite, used by the demo, has no such thing: there the constraint
produces no SQL at all (so `migrate` and any later table rebuild work), and the services keep
the rule by locking the host's calendar row, which SQLite's serialised writes make absolute.
The constraint stays in the model state on both backends, so `makemigrations --check` is clean
wherever it runs.
"""

from __future__ import annotations

from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateTimeRangeField
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Func


class TsTzRange(Func):
    """tstzrange(start, end, '[)'): a half-open range, so back-to-back blocks do not overlap."""

    function = "TSTZRANGE"
    output_field = DateTimeRangeField()


class PostgresOnlyExclusionConstraint(ExclusionConstraint):
    """An ExclusionConstraint that is a no-op (no DDL, no validation) on backends other than PostgreSQL."""

    @staticmethod
    def _enforced(connection) -> bool:
        return connection.vendor == "postgresql"

    def constraint_sql(self, model, schema_editor):
        return super().constraint_sql(model, schema_editor) if self._enforced(schema_editor.connection) else None

    def create_sql(self, model, schema_editor):
        return super().create_sql(model, schema_editor) if self._enforced(schema_editor.connection) else None

    def remove_sql(self, model, schema_editor):
        return super().remove_sql(model, schema_editor) if self._enforced(schema_editor.connection) else None

    def validate(self, model, instance, exclude=None, using=DEFAULT_DB_ALIAS):
        if self._enforced(connections[using]):
            super().validate(model, instance, exclude=exclude, using=using)
