"""Orders record the partner whose API placed them (`Order.partner`), and order lines are indexed by item.

A partner sees an order, and what it bought, only when its API placed it. Existing orders get their partner
from what the data proves, and from nothing weaker (an order left without one is simply no longer shown to
a partner; giving one to the wrong partner would show a person's purchase to someone else):

1. The answer the API gave: a `POST /api/v1/checkout-sessions/` kept in the idempotency log (24 hours of
   it) names the order it opened (`payment_id`); that order was placed through the key's partner.
2. Otherwise, an order can only have been placed through a partner when its buyer has exactly one partner
   link, the order is for items bought on their own (`origin = item`: the API places no cart orders, so
   every cart order is the person's own on the site), it was placed after the link was made, and the
   account is one that partner made (`created_user`): such an account has no password until its owner
   resets one, so it buys on the site only after that. A linked account that existed before (it was
   already buying on the site) gets no partner: its site bookings and contracts are also item orders,
   and nothing in the data tells them from the partner's.

Reversing drops the field (and the index): nothing else changed.
"""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Count

CHECKOUT_PATH_END = "/checkout-sessions/"


def backfill_partner(apps, schema_editor):
    Order = apps.get_model("commerce", "Order")
    PartnerCustomer = apps.get_model("api", "PartnerCustomer")
    IdempotencyRecord = apps.get_model("api", "IdempotencyRecord")

    answered = IdempotencyRecord.objects.filter(
        method="POST", path__endswith=CHECKOUT_PATH_END, response_status=201
    ).select_related("api_key")
    for record in answered.iterator():
        number = (record.response_body or {}).get("payment_id") if isinstance(record.response_body, dict) else None
        if not isinstance(number, str):
            continue
        partner_id = record.api_key.partner_id
        Order.objects.filter(
            number=number, partner__isnull=True, user__partner_links__partner_id=partner_id
        ).update(partner_id=partner_id)

    single = (
        PartnerCustomer.objects.values("user_id").annotate(links=Count("pk")).filter(links=1).values("user_id")
    )
    for link in PartnerCustomer.objects.filter(user_id__in=single, created_user=True).iterator():
        Order.objects.filter(
            user_id=link.user_id, partner__isnull=True, origin="item", created_at__gte=link.created_at
        ).update(partner_id=link.partner_id)


class Migration(migrations.Migration):
    dependencies = [
        ("api", "0003_partner_webhooks_staff_roles"),
        ("commerce", "0006_status_changes_staff_roles"),
    ]

    operations = [
        migrations.AddField(
            model_name="order",
            name="partner",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="orders",
                to="api.partner",
            ),
        ),
        migrations.AddIndex(
            model_name="orderline",
            index=models.Index(fields=["kind", "ref"], name="order_line_item"),
        ),
        migrations.RunPython(backfill_partner, migrations.RunPython.noop),
    ]
