"""An order as the partner API shows it: the one rendering of the Order object, for the API and its events.

commerce.api answers `GET /orders/{id}` with it, and `order.paid` / `order.refunded` carry the same object
as `data.object`, so a partner parses both with one parser. Kept apart from the views so the services
that emit events do not import view modules.
"""

from __future__ import annotations

from datetime import UTC

from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from commerce.models import Order
from innerwork.core.money import format_money

UTC_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


def _utc_field(**kwargs) -> serializers.DateTimeField:
    return serializers.DateTimeField(default_timezone=UTC, format=UTC_FORMAT, **kwargs)


@extend_schema_serializer(component_name="OrderLine")
class LineSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The line's id, to name it in POST /refunds/.")
    type = serializers.CharField(source="kind", help_text="What was bought: course, mentorship_session, …")
    ref = serializers.CharField()
    title = serializers.CharField()
    quantity = serializers.IntegerField()
    amount = serializers.IntegerField(source="total_amount", help_text="Minor units, after discount.")
    refunded_amount = serializers.IntegerField()


@extend_schema_serializer(component_name="Order")
class OrderSerializer(serializers.Serializer):
    id = serializers.CharField(source="number", help_text="The order number, e.g. ORD-20261207-7KQ2XD.")
    object = serializers.SerializerMethodField()
    customer = serializers.CharField(source="customer_public_id", help_text="Your customer's id (cus_…).")
    status = serializers.ChoiceField(choices=Order.Status.choices)
    payment_id = serializers.CharField(source="number", help_text="GET /payments/{payment_id}.")
    currency = serializers.CharField(help_text="ISO 4217, lower case.")
    subtotal_amount = serializers.IntegerField()
    discount_amount = serializers.IntegerField()
    total_amount = serializers.IntegerField(help_text="Minor units to pay.")
    amount_paid = serializers.IntegerField()
    amount_refunded = serializers.IntegerField()
    display = serializers.SerializerMethodField(help_text='The total, e.g. "$60.00".')
    lines = LineSerializer(many=True, source="lines.all")
    created_at = _utc_field()
    paid_at = _utc_field(allow_null=True)

    def get_object(self, order: Order) -> str:
        return "order"

    def get_display(self, order: Order) -> str:
        return format_money(order.total_amount, order.currency)


def order_object(*, order: Order, partner) -> dict | None:
    """The order as `GET /orders/{id}` answers it to `partner` (its customer id); None if the partner did not
    place it. Read back from the database, so call it after the change is saved."""
    from commerce.orders.selectors import orders_for_partner  # commerce.orders renders its events with this module

    seen = orders_for_partner(partner=partner).filter(pk=order.pk).first()
    return dict(OrderSerializer(seen).data) if seen is not None else None
