"""The staff roles' rights on coaching: Support sees everything; Finance also cancels contracts with a refund;
Admin has every coaching right, approving and deactivating coaches among them.

Idempotent (rights are added again harmlessly) and reversible (the rights given here are taken away).
The groups come from commerce's 0004_staff_roles.
"""

from django.db import migrations

from innerwork.core.staff_roles import permissions_ensure, permissions_named

MODELS = (
    "specialty",
    "coachprofile",
    "packageoffer",
    "inquiry",
    "message",
    "proposal",
    "contract",
    "contractevent",
    "coachingsession",
)
VIEW = [f"coaching.view_{model}" for model in MODELS]
ROLES = {"Support": VIEW, "Finance": [*VIEW, "coaching.cancel_contract"]}


def create_roles(apps, schema_editor):
    permissions_ensure(apps, "coaching")
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, names in ROLES.items():
        group, _ = Group.objects.get_or_create(name=role)
        group.permissions.add(*permissions_named(apps, names))
    admin, _ = Group.objects.get_or_create(name="Admin")
    admin.permissions.add(*Permission.objects.filter(content_type__app_label="coaching"))


def remove_rights(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    coaching = Permission.objects.filter(content_type__app_label="coaching")
    for group in Group.objects.filter(name__in=[*ROLES, "Admin"]):
        group.permissions.remove(*coaching)


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("commerce", "0004_staff_roles"),
        ("coaching", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_roles, remove_rights)]
