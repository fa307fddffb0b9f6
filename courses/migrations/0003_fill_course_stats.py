"""Fill the stored course figures of existing courses (new rows are kept right by courses/signals.py)."""

from django.db import migrations
from django.db.models import Count, IntegerField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce

HAS_ACCESS = ("active", "completed")


def _per_course(queryset, course_field, expression):
    return Coalesce(
        Subquery(
            queryset.filter(**{course_field: OuterRef("pk")})
            .order_by()
            .values(course_field)
            .annotate(value=expression)
            .values("value"),
            output_field=IntegerField(),
        ),
        Value(0),
    )


def fill(apps, schema_editor):
    # Historical models: the same recount as services.course_refresh_stats, frozen here.
    Course = apps.get_model("courses", "Course")
    Lesson = apps.get_model("courses", "Lesson")
    Enrollment = apps.get_model("courses", "Enrollment")
    Course.objects.update(
        lessons_count=_per_course(Lesson.objects.all(), "module__course", Count("id")),
        total_minutes=_per_course(Lesson.objects.all(), "module__course", Sum("duration_minutes")),
        learners_count=_per_course(Enrollment.objects.filter(status__in=HAS_ACCESS), "course", Count("id")),
    )


class Migration(migrations.Migration):
    dependencies = [("courses", "0002_course_stats")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
