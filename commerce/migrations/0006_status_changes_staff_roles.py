"""Support, Finance and Admin read the log of status moves (core.StatusChange), as they read the outbox and audit log.

Idempotent and reversible, like 0004_staff_roles.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

RIGHT = ("core", "view_statuschange")
ROLES = ("Support", "Finance", "Admin")


def create_roles(apps, schema_editor):
    app_config = apps.get_app_config("core")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    right = apps.get_model("auth", "Permission").objects.get(content_type__app_label=RIGHT[0], codename=RIGHT[1])
    for role in ROLES:
        Group.objects.get_or_create(name=role)[0].permissions.add(right)


def remove_rights(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    right = apps.get_model("auth", "Permission").objects.filter(content_type__app_label=RIGHT[0], codename=RIGHT[1])
    for group in Group.objects.filter(name__in=ROLES):
        group.permissions.remove(*right)


class Migration(migrations.Migration):
    dependencies = [
        ("commerce", "0005_order_origin_attempt_start_automatic_refunds"),
        ("core", "0003_status_change"),
    ]

    operations = [migrations.RunPython(create_roles, remove_rights)]
