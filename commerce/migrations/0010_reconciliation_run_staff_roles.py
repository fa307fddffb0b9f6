"""Finance reads the record of each reconciliation with Stripe; Admin has every right on it, as on every
commerce table (0004 gives Admin all of commerce); Support does not (it is about money).

Idempotent and reversible, like 0004_staff_roles.
"""

from django.db import migrations

from innerwork.core.staff_roles import permissions_ensure, permissions_named

FINANCE = ["commerce.view_reconciliationrun"]
ADMIN = [f"commerce.{action}_reconciliationrun" for action in ("add", "change", "delete", "view")]
ROLES = {"Finance": FINANCE, "Admin": ADMIN}


def create_roles(apps, schema_editor):
    permissions_ensure(apps, "commerce")
    Group = apps.get_model("auth", "Group")
    for role, rights in ROLES.items():
        Group.objects.get_or_create(name=role)[0].permissions.add(*permissions_named(apps, rights))


def remove_rights(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.filter(name__in=ROLES):
        group.permissions.remove(*permissions_named(apps, ROLES[group.name]))


class Migration(migrations.Migration):
    dependencies = [("commerce", "0009_reconciliation_run")]

    operations = [migrations.RunPython(create_roles, remove_rights)]
