"""Finance and Admin read the record of each reconciliation with Stripe; Support does not (it is about money).

Idempotent and reversible, like 0004_staff_roles.
"""

from django.db import migrations

from innerwork.core.staff_roles import permissions_ensure, permissions_named

RIGHTS = ["commerce.view_reconciliationrun"]
ROLES = ("Finance", "Admin")


def create_roles(apps, schema_editor):
    permissions_ensure(apps, "commerce")
    Group = apps.get_model("auth", "Group")
    rights = permissions_named(apps, RIGHTS)
    for role in ROLES:
        Group.objects.get_or_create(name=role)[0].permissions.add(*rights)


def remove_rights(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    rights = permissions_named(apps, RIGHTS)
    for group in Group.objects.filter(name__in=ROLES):
        group.permissions.remove(*rights)


class Migration(migrations.Migration):
    dependencies = [("commerce", "0009_reconciliation_run")]

    operations = [migrations.RunPython(create_roles, remove_rights)]
