"""Course search: the stored search vector, its GIN index, a trigram index on the title, and the vectors of
existing courses.

The column is added everywhere (on SQLite a "tsvector" column is plain, unused text). The extension, the
indexes and the fill are PostgreSQL's only: `TrigramExtension` does nothing elsewhere, and the RunPython
below checks the vendor, so `migrate` on SQLite (the demo) is a correct no-op for them. The indexes are
not in Course.Meta because a GIN index cannot be created on SQLite; they are named here instead.
"""

import django.contrib.postgres.search
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

INDEXES = {
    "course_search_vector_idx": "USING gin (search_vector)",
    # Typos ("mindfullness") are matched by trigram word similarity against the title (`title %> 'query'`).
    "course_title_trgm_idx": "USING gin (title gin_trgm_ops)",
}

# The same document as courses.search_index.course_search_document, frozen here in SQL.
FILL_VECTORS = """
UPDATE courses_course AS course SET search_vector =
    setweight(to_tsvector('english', coalesce(course.title, '')), 'A')
    || setweight(to_tsvector('english', concat_ws(' ', course.subtitle,
        (SELECT category.name FROM courses_category AS category WHERE category.id = course.category_id))), 'B')
    || setweight(to_tsvector('english', concat_ws(' ',
        (SELECT person.full_name FROM accounts_user AS person WHERE person.id = course.instructor_id),
        (SELECT string_agg(lesson.title, ' ') FROM courses_lesson AS lesson
            JOIN courses_module AS module ON module.id = lesson.module_id WHERE module.course_id = course.id))), 'C')
    || setweight(to_tsvector('english', coalesce(course.description, '')), 'D')
"""


def create_indexes_and_fill(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, definition in INDEXES.items():
        schema_editor.execute(f"CREATE INDEX {name} ON courses_course {definition}")
    schema_editor.execute(FILL_VECTORS)


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("courses", "0009_exercises"),
    ]

    operations = [
        TrigramExtension(),
        migrations.AddField(
            model_name="course",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.RunPython(create_indexes_and_fill, drop_indexes),
    ]
