"""Disputes: the Dispute table, the refund source `dispute`, and who reads disputes in the staff console.

Finance reads them (with dj-stripe's mirror of them, linked from the order's Stripe events); Admin has
every right on them; Support and Marketing none. Idempotent and reversible like the other roles migrations.
"""

import django.db.models.deletion
from django.db import migrations, models

from innerwork.core.staff_roles import permissions_ensure, permissions_named

FINANCE = ["commerce.view_dispute", "djstripe.view_dispute"]
ADMIN = ["commerce.add_dispute", "commerce.change_dispute", "commerce.delete_dispute", "commerce.view_dispute"]


def create_roles(apps, schema_editor):
    permissions_ensure(apps, "commerce")
    permissions_ensure(apps, "djstripe")
    Group = apps.get_model("auth", "Group")
    Group.objects.get_or_create(name="Finance")[0].permissions.add(*permissions_named(apps, FINANCE))
    Group.objects.get_or_create(name="Admin")[0].permissions.add(*permissions_named(apps, [*ADMIN, FINANCE[1]]))


def remove_rights(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    rights = permissions_named(apps, [*ADMIN, FINANCE[1]])
    for group in Group.objects.filter(name__in=("Finance", "Admin")):
        group.permissions.remove(*rights)


class Migration(migrations.Migration):
    dependencies = [
        ("commerce", "0007_order_partner"),
        ("djstripe", "0003_2_11"),
    ]

    operations = [
        migrations.AlterField(
            model_name="refund",
            name="source",
            field=models.CharField(
                choices=[
                    ("staff", "Staff, in admin"),
                    ("customer", "Customer, within the refund policy"),
                    ("request", "Customer request approved by staff"),
                    ("stripe", "Stripe dashboard"),
                    ("reconciliation", "Reconciliation"),
                    ("automatic", "Automatic: the item could not be given"),
                    ("dispute", "Dispute lost: the bank took the payment back"),
                ],
                max_length=16,
            ),
        ),
        migrations.CreateModel(
            name="Dispute",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("created_at", models.DateTimeField(auto_now_add=True, db_index=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                ("stripe_dispute_id", models.CharField(max_length=255, unique=True)),
                ("stripe_charge_id", models.CharField(blank=True, max_length=255)),
                (
                    "amount",
                    models.PositiveIntegerField(help_text="Minor units of `currency`: what the bank took back."),
                ),
                ("currency", models.CharField(max_length=3)),
                (
                    "reason",
                    models.CharField(help_text="Stripe's reason: fraudulent, product_not_received, ...", max_length=50),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("needs_response", "Needs a response"),
                            ("under_review", "Under review by the bank"),
                            ("won", "Won"),
                            ("lost", "Lost"),
                        ],
                        db_index=True,
                        default="needs_response",
                        max_length=20,
                    ),
                ),
                (
                    "evidence_due_by",
                    models.DateTimeField(blank=True, help_text="Last moment to answer the bank.", null=True),
                ),
                ("closed_at", models.DateTimeField(blank=True, null=True)),
                (
                    "order",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="disputes", to="commerce.order"
                    ),
                ),
                (
                    "refund",
                    models.OneToOneField(
                        blank=True,
                        help_text="The money lost, recorded as a refund (source: dispute) when the dispute is lost.",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="dispute",
                        to="commerce.refund",
                    ),
                ),
            ],
            options={
                "ordering": ["-created_at", "-id"],
            },
        ),
        migrations.RunPython(create_roles, remove_rights),
    ]
