"""Partner webhooks: endpoints, events, deliveries and their attempts; and the staff roles' rights on them.

Support and Finance read the delivery log and resend (a partner's question is usually "we missed an
event"); Marketing has none; Admin has every right on these models. Idempotent and reversible like the other roles
migrations; the permissions are created first because Django makes them only after the last migration.
"""

from django.contrib.auth.management import create_permissions
import django.core.serializers.json
import django.db.models.deletion
import innerwork.api.webhooks.models
from django.db import migrations, models


SUPPORT = [
    "api.view_webhookendpoint",
    "api.view_partnerevent",
    "api.view_webhookdelivery",
    "api.view_webhookattempt",
    "api.resend_webhookdelivery",
]
# Finance reads and resends too: every Support right is also Finance's (commerce 0004's rule).
ROLES = {"Support": SUPPORT, "Finance": SUPPORT}
MODELS = ("webhookendpoint", "partnerevent", "webhookdelivery", "webhookattempt")


def _ensure_permissions(apps):
    app_config = apps.get_app_config("api")
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
    admin.permissions.add(*Permission.objects.filter(content_type__app_label="api", content_type__model__in=MODELS))


def remove_rights(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    rights = Permission.objects.filter(content_type__app_label="api", content_type__model__in=MODELS)
    for group in Group.objects.filter(name__in=[*ROLES, "Admin"]):
        group.permissions.remove(*rights)


class Migration(migrations.Migration):
    dependencies = [
        ("api", "0002_keys_customers_staff_roles"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("commerce", "0004_staff_roles"),
    ]

    operations = [
        migrations.CreateModel(
            name="PartnerEvent",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("public_id", models.CharField(editable=False, max_length=40, unique=True)),
                (
                    "type",
                    models.CharField(
                        choices=[
                            ("booking.confirmed", "booking.confirmed"),
                            ("booking.rescheduled", "booking.rescheduled"),
                            ("booking.canceled", "booking.canceled"),
                            ("contract.activated", "contract.activated"),
                            ("contract.ended", "contract.ended"),
                            ("order.paid", "order.paid"),
                            ("order.refunded", "order.refunded"),
                            ("enrollment.created", "enrollment.created"),
                            ("enrollment.completed", "enrollment.completed"),
                        ],
                        db_index=True,
                        max_length=40,
                    ),
                ),
                ("data", models.JSONField(encoder=django.core.serializers.json.DjangoJSONEncoder)),
                ("idempotency_key", models.CharField(max_length=200)),
                ("created_at", models.DateTimeField(auto_now_add=True, db_index=True)),
                (
                    "partner",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="events", to="api.partner"
                    ),
                ),
            ],
            options={
                "ordering": ["-created_at", "-id"],
            },
        ),
        migrations.CreateModel(
            name="WebhookDelivery",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("created_at", models.DateTimeField(auto_now_add=True, db_index=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "status",
                    models.CharField(
                        choices=[("pending", "Pending"), ("succeeded", "Delivered"), ("failed", "Failed (gave up)")],
                        db_index=True,
                        default="pending",
                        max_length=10,
                    ),
                ),
                ("attempts", models.PositiveIntegerField(default=0)),
                ("resends", models.PositiveIntegerField(default=0)),
                ("next_attempt_at", models.DateTimeField(blank=True, db_index=True, null=True)),
                ("last_attempt_at", models.DateTimeField(blank=True, null=True)),
                ("last_response_code", models.PositiveSmallIntegerField(blank=True, null=True)),
                ("last_response_ms", models.PositiveIntegerField(blank=True, null=True)),
                ("last_error", models.CharField(blank=True, max_length=500)),
                ("delivered_at", models.DateTimeField(blank=True, null=True)),
                (
                    "event",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="deliveries", to="api.partnerevent"
                    ),
                ),
            ],
            options={
                "verbose_name_plural": "webhook deliveries",
                "ordering": ["-created_at", "-id"],
                "permissions": [("resend_webhookdelivery", "Can resend a webhook delivery")],
            },
        ),
        migrations.CreateModel(
            name="WebhookAttempt",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("number", models.PositiveIntegerField()),
                ("attempted_at", models.DateTimeField(db_index=True)),
                ("response_code", models.PositiveSmallIntegerField(blank=True, null=True)),
                ("response_ms", models.PositiveIntegerField()),
                ("response_body", models.CharField(blank=True, max_length=500)),
                ("error", models.CharField(blank=True, max_length=500)),
                ("succeeded", models.BooleanField()),
                (
                    "delivery",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="attempt_log",
                        to="api.webhookdelivery",
                    ),
                ),
            ],
            options={
                "ordering": ["-attempted_at", "-id"],
            },
        ),
        migrations.CreateModel(
            name="WebhookEndpoint",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("created_at", models.DateTimeField(auto_now_add=True, db_index=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "url",
                    models.URLField(help_text="The partner's HTTPS address that receives our POSTs.", max_length=500),
                ),
                ("description", models.CharField(blank=True, max_length=200)),
                (
                    "event_types",
                    models.JSONField(default=list, validators=[innerwork.api.webhooks.models._validate_event_types]),
                ),
                ("secret", models.CharField(editable=False, max_length=80)),
                (
                    "is_active",
                    models.BooleanField(default=True, help_text="Off: no new deliveries; pending ones wait."),
                ),
                (
                    "partner",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="webhook_endpoints", to="api.partner"
                    ),
                ),
            ],
            options={
                "ordering": ["partner", "pk"],
            },
        ),
        migrations.AddField(
            model_name="webhookdelivery",
            name="endpoint",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, related_name="deliveries", to="api.webhookendpoint"
            ),
        ),
        migrations.AddConstraint(
            model_name="partnerevent",
            constraint=models.UniqueConstraint(
                fields=("partner", "idempotency_key"), name="partner_event_once_per_key"
            ),
        ),
        migrations.AddConstraint(
            model_name="webhookdelivery",
            constraint=models.UniqueConstraint(fields=("event", "endpoint"), name="webhook_delivery_once"),
        ),
        migrations.RunPython(create_roles, remove_rights),
    ]
