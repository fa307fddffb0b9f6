"""Everybody who already teaches a course gets their instructor page (new instructors get it on save)."""

from django.db import migrations
from django.utils.text import slugify


def create_profiles(apps, schema_editor):
    Course = apps.get_model("courses", "Course")
    InstructorProfile = apps.get_model("courses", "InstructorProfile")
    User = apps.get_model("accounts", "User")
    taken = set(InstructorProfile.objects.values_list("slug", flat=True))
    have = set(InstructorProfile.objects.values_list("user_id", flat=True))
    teaching = Course.objects.values_list("instructor_id", flat=True).distinct()
    for user in User.objects.filter(pk__in=teaching).exclude(pk__in=have).order_by("pk"):
        base = (slugify(user.full_name or user.email.split("@")[0]) or "instructor")[:70]
        slug, n = base, 1
        while slug in taken:
            n += 1
            slug = f"{base}-{n}"
        taken.add(slug)
        InstructorProfile.objects.create(user=user, slug=slug)


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0006_reviews_and_instructor_profiles"),
        ("accounts", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_profiles, migrations.RunPython.noop)]
