"""The staff roles' rights on bookings: Support sees them; Finance also cancels them with a full refund; Admin all.

`mentorship.cancel_booking` is new here. Idempotent (rights are added again harmlessly) and reversible
(the rights given here are taken away). On a fresh database the permissions do not exist yet when this
runs (Django creates them after the last migration), so they are created here first, as in 0002.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

VIEW = ["mentorship.view_booking", "mentorship.view_bookingevent"]
CANCEL = ["mentorship.cancel_booking"]
ROLES = {"Support": VIEW, "Finance": [*VIEW, *CANCEL]}
ADMIN_APPS = ("mentorship",)


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
    admin.permissions.add(*Permission.objects.filter(content_type__app_label__in=ADMIN_APPS))


def remove_rights(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    given = {role: _permissions(apps, names) for role, names in ROLES.items()}
    for group in Group.objects.filter(name__in=ROLES):
        group.permissions.remove(*given[group.name])
    admin = Group.objects.filter(name="Admin").first()
    if admin is not None:
        booking_rights = [*_permissions(apps, VIEW), *_permissions(apps, CANCEL)]
        admin.permissions.remove(*booking_rights)


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("commerce", "0004_staff_roles"),
        ("mentorship", "0003_bookings"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="booking",
            options={
                "ordering": ["-created_at", "-id"],
                "permissions": [("cancel_booking", "Can cancel a booking with a full refund")],
            },
        ),
        migrations.RunPython(create_roles, remove_rights),
    ]
