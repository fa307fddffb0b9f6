"""The staff roles' rights on mentors: Support and Finance see them, Admin also approves, deactivates and edits.

Idempotent (rights are added again harmlessly) and reversible (the rights are taken away). The groups
come from commerce's 0004_staff_roles; on a fresh database the permissions do not exist yet when this
runs (Django creates them after the last migration), so they are created here first.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

VIEW = ["mentorship.view_mentorprofile", "mentorship.view_expertise", "mentorship.view_language"]
ROLES = {"Support": VIEW, "Finance": VIEW}
# The models this migration knows; rights on later models are given by the migrations that add them.
MODELS = ("mentorprofile", "expertise", "language")


def _ensure_permissions(apps):
    app_config = apps.get_app_config("mentorship")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None


def _permissions(apps, names):
    Permission = apps.get_model("auth", "Permission")
    return [
        Permission.objects.get(content_type__app_label=name.split(".")[0], codename=name.split(".")[1])
        for name in names
    ]


def create_roles(apps, schema_editor):
    _ensure_permissions(apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, names in ROLES.items():
        group, _ = Group.objects.get_or_create(name=role)
        group.permissions.add(*_permissions(apps, names))
    admin, _ = Group.objects.get_or_create(name="Admin")
    admin.permissions.add(
        *Permission.objects.filter(content_type__app_label="mentorship", content_type__model__in=MODELS)
    )


def remove_rights(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    mentorship = Permission.objects.filter(content_type__app_label="mentorship", content_type__model__in=MODELS)
    for group in Group.objects.filter(name__in=[*ROLES, "Admin"]):
        group.permissions.remove(*mentorship)


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("commerce", "0004_staff_roles"),
        ("mentorship", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_roles, remove_rights)]
