"""API keys, partner customers and idempotency records; the staff roles' rights on partners.

Support and Finance see partners, their keys (prefix, scopes, last use; never the key) and customers; Admin also
creates and revokes keys and edits partners. Idempotent and reversible like every `*staff_roles`
migration (see innerwork/core/staff_roles.py); the groups are found or created.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import migrations, models


# Support and Finance read partners, keys and customers; Admin also makes and revokes keys.
VIEW = ["api.view_partner", "api.view_apikey", "api.view_partnercustomer"]
MODELS = ("partner", "apikey", "partnercustomer")


def create_roles(apps, schema_editor):
    app_config = apps.get_app_config("api")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role in ("Support", "Finance"):
        group, _ = Group.objects.get_or_create(name=role)
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="api", codename__in=[n.split(".")[1] for n in VIEW])
        )
    admin, _ = Group.objects.get_or_create(name="Admin")
    admin.permissions.add(*Permission.objects.filter(content_type__app_label="api", content_type__model__in=MODELS))


def remove_rights(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    rights = Permission.objects.filter(content_type__app_label="api", content_type__model__in=MODELS)
    for group in Group.objects.filter(name__in=["Support", "Finance", "Admin"]):
        group.permissions.remove(*rights)


class Migration(migrations.Migration):

    dependencies = [
        ('api', '0001_partners'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        # The roles are made by commerce's first roles migration; this one only adds rights to them.
        ("commerce", "0004_staff_roles"),
    ]

    operations = [
        migrations.CreateModel(
            name='ApiKey',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True, db_index=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('name', models.CharField(help_text='What the partner uses it for, e.g. "portal production".', max_length=80)),
                ('mode', models.CharField(choices=[('test', 'Test (Stripe test mode or the emulator)'), ('live', 'Live')], max_length=4)),
                ('prefix', models.CharField(help_text="The key's visible start, e.g. iw_test_Ab3dE9xQ.", max_length=24, unique=True)),
                ('secret_hash', models.CharField(max_length=64, unique=True)),
                ('scopes', models.JSONField(default=list)),
                ('last_used_at', models.DateTimeField(blank=True, null=True)),
                ('revoked_at', models.DateTimeField(blank=True, null=True)),
                ('partner', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='api_keys', to='api.partner')),
            ],
            options={
                'verbose_name': 'API key',
                'ordering': ['partner', '-created_at', '-pk'],
            },
        ),
        migrations.CreateModel(
            name='IdempotencyRecord',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('key', models.CharField(max_length=255)),
                ('fingerprint', models.CharField(help_text='SHA-256 of method, path and body.', max_length=64)),
                ('method', models.CharField(max_length=10)),
                ('path', models.CharField(max_length=255)),
                ('response_status', models.PositiveSmallIntegerField(blank=True, null=True)),
                ('response_body', models.JSONField(blank=True, null=True)),
                ('created_at', models.DateTimeField(db_index=True, default=django.utils.timezone.now)),
                ('completed_at', models.DateTimeField(blank=True, null=True)),
                ('api_key', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='idempotency_records', to='api.apikey')),
            ],
            options={
                'ordering': ['-created_at'],
                'constraints': [models.UniqueConstraint(fields=('api_key', 'key'), name='api_idempotency_key_per_api_key')],
            },
        ),
        migrations.CreateModel(
            name='PartnerCustomer',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True, db_index=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('public_id', models.CharField(max_length=32, unique=True)),
                ('external_id', models.CharField(help_text="The partner's own id for this person.", max_length=255)),
                ('created_user', models.BooleanField(default=False)),
                ('partner', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='customers', to='api.partner')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='partner_links', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['-pk'],
                'constraints': [models.UniqueConstraint(fields=('partner', 'external_id'), name='api_customer_partner_external_id'), models.UniqueConstraint(fields=('partner', 'user'), name='api_customer_partner_user')],
            },
        ),
        migrations.RunPython(create_roles, remove_rights),
    ]
