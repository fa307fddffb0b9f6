"""The staff roles' rights on reviews and instructor pages: Support (and Finance, which has all of Support's
rights) moderates reviews (sees them, hides or shows them again with a reason) and sees instructor pages;
Admin has every right on both; Marketing none.

Idempotent (rights are added again harmlessly) and reversible (the rights given here are taken away).
The groups come from commerce's 0004_staff_roles.
"""

from django.db import migrations

from innerwork.core.staff_roles import permissions_ensure, permissions_named

MODELS = ("review", "instructorprofile")
SUPPORT = ["courses.view_review", "courses.change_review", "courses.view_instructorprofile"]
ADMIN = [f"courses.{action}_{model}" for model in MODELS for action in ("view", "add", "change", "delete")]
ROLES = {"Support": SUPPORT, "Finance": SUPPORT, "Admin": ADMIN}


def create_roles(apps, schema_editor):
    permissions_ensure(apps, "courses")
    Group = apps.get_model("auth", "Group")
    for role, names in ROLES.items():
        group, _ = Group.objects.get_or_create(name=role)
        group.permissions.add(*permissions_named(apps, names))


def remove_rights(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for role, names in ROLES.items():
        for group in Group.objects.filter(name=role):
            group.permissions.remove(*permissions_named(apps, names))


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("commerce", "0004_staff_roles"),
        ("courses", "0007_instructor_profiles_for_existing_courses"),
    ]

    operations = [migrations.RunPython(create_roles, remove_rights)]
