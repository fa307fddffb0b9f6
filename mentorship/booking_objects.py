"""A booking as the partner API shows it: the one rendering of the Booking object, for the API and its events.

The API's views (mentorship.api_bookings) answer with it, and so does every partner event about a booking
(`data.object`), so a partner parses both with one parser. Kept apart from the views so the services that
emit events do not import view modules.
"""

from __future__ import annotations

from datetime import UTC

from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from innerwork.core.money import format_money
from mentorship.models import Booking

UTC_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


def _utc_field(**kwargs) -> serializers.DateTimeField:
    return serializers.DateTimeField(default_timezone=UTC, format=UTC_FORMAT, **kwargs)


@extend_schema_serializer(component_name="BookingPrice")
class PriceSerializer(serializers.Serializer):
    amount = serializers.IntegerField(source="price_amount", help_text="Minor units (cents), fixed when booked.")
    currency = serializers.CharField(help_text="ISO 4217, lower case.")
    display = serializers.SerializerMethodField(help_text='e.g. "$60.00".')

    def get_display(self, booking: Booking) -> str:
        return format_money(booking.price_amount, booking.currency)


@extend_schema_serializer(component_name="Booking")
class BookingSerializer(serializers.Serializer):
    """A session booked for one of your customers. `payment_id` is the payment of its latest order placed through
    you (bookings_for_partner annotates it as `payment_number`)."""

    id = serializers.CharField(source="number", help_text="The booking's number, e.g. BKG-20261207-7KQ2XD.")
    object = serializers.SerializerMethodField()
    customer = serializers.SerializerMethodField(help_text="Your customer's id (cus_…).")
    status = serializers.ChoiceField(choices=Booking.Status.choices)
    mentor = serializers.SlugField(source="mentor.slug")
    start = _utc_field(source="appointment.start_at", allow_null=True)
    end = _utc_field(source="appointment.end_at", allow_null=True)
    length = serializers.IntegerField(source="minutes", help_text="Minutes.")
    price = PriceSerializer(source="*")
    topic = serializers.CharField()
    notes = serializers.CharField()
    reschedule_count = serializers.IntegerField()
    payment_id = serializers.CharField(
        source="payment_number",
        allow_null=True,
        read_only=True,
        help_text="Its latest payment through you (GET /payments/{id}); null if none.",
    )
    created_at = _utc_field()

    def get_object(self, booking: Booking) -> str:
        return "booking"

    def get_customer(self, booking: Booking) -> str:
        return booking.customer_public_id


def booking_object(*, booking: Booking, partner) -> dict | None:
    """The booking as `GET /bookings/{id}` answers it to `partner` (its customer id, its payment id); None if
    the partner's API did not make it. Read back from the database, so call it after the change is saved."""
    # Imported here: mentorship.selectors imports mentorship.bookings, which renders its events with this module.
    from mentorship.selectors import bookings_for_partner

    seen = bookings_for_partner(partner=partner).filter(pk=booking.pk).first()
    return dict(BookingSerializer(seen).data) if seen is not None else None
