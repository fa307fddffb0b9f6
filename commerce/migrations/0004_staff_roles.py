"""The staff roles as groups: Support, Finance, Marketing and Admin, each with exactly the rights its work needs.

Idempotent (groups are found or created, rights are added again harmlessly) and reversible (the
groups are removed). On a fresh database the permissions do not exist yet when this runs (Django
creates them after the last migration), so they are created here first.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

APPS = ("commerce", "courses", "core", "djstripe")

SUPPORT = [
    "commerce.view_order",
    "commerce.view_orderline",
    "commerce.view_orderevent",
    "commerce.view_refund",
    "commerce.view_refundline",
    "commerce.view_refundrequest",
    "commerce.resend_receipt",
    "core.view_outboxemail",
    "core.view_staffaction",
]
# dj-stripe's mirror of the order's Stripe objects and its webhook log, linked from the order's timeline.
STRIPE_LOG = [
    "djstripe.view_event",
    "djstripe.view_webhookeventtrigger",
    "djstripe.view_session",
    "djstripe.view_paymentintent",
    "djstripe.view_charge",
    "djstripe.view_refund",
]
FINANCE = [
    *SUPPORT,
    "commerce.refund_order",
    "commerce.resolve_flag",
    "commerce.change_refundrequest",
    "commerce.download_documents",
    "commerce.view_invoice",
    "commerce.view_creditnote",
    "commerce.view_sales",
    "commerce.view_coupon",
    "commerce.view_couponredemption",
    *STRIPE_LOG,
]
MARKETING = [
    "commerce.add_coupon",
    "commerce.change_coupon",
    "commerce.view_coupon",
    "commerce.view_couponredemption",
    "commerce.view_sales",
]
# Admin: every commerce right, the enrollment rights, the audit and e-mail logs, and the Stripe log.
ADMIN_APPS = ("commerce",)
ADMIN_EXTRA_MODELS = {"courses": ("enrollment", "enrollmentevent"), "core": ("outboxemail", "staffaction")}

ROLES = {"Support": SUPPORT, "Finance": FINANCE, "Marketing": MARKETING}


def _ensure_permissions(apps):
    for label in APPS:
        app_config = apps.get_app_config(label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None


def _permissions(apps, names):
    Permission = apps.get_model("auth", "Permission")
    found = []
    for name in names:
        app_label, codename = name.split(".")
        found.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    return found


def create_roles(apps, schema_editor):
    _ensure_permissions(apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, names in ROLES.items():
        group, _ = Group.objects.get_or_create(name=role)
        group.permissions.add(*_permissions(apps, names))
    admin, _ = Group.objects.get_or_create(name="Admin")
    admin.permissions.add(*Permission.objects.filter(content_type__app_label__in=ADMIN_APPS))
    admin.permissions.add(*_permissions(apps, STRIPE_LOG))
    for app_label, models in ADMIN_EXTRA_MODELS.items():
        admin.permissions.add(
            *Permission.objects.filter(content_type__app_label=app_label, content_type__model__in=models)
        )


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=[*ROLES, "Admin"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("commerce", "0003_refunds_documents_permissions"),
        ("courses", "0003_fill_course_stats"),
        ("core", "0002_staff_action"),
        ("djstripe", "0003_2_11"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
