"""The `booking` item of the partner checkout: pay for one of your customers' bookings, by its number."""

from __future__ import annotations

from rest_framework import serializers

from commerce.api_items import CheckoutItems, CheckoutItemType, checkout_item_type_register
from mentorship.api_bookings import booking_partner_get
from mentorship.bookings import BOOKING_KIND


class BookingItem(CheckoutItemType):
    type = "booking"
    summary = "A booking waiting for payment (POST /bookings/ made it); its customer pays."

    class InputSerializer(serializers.Serializer):
        booking = serializers.CharField(max_length=24, help_text="The booking's number (BKG-…).")

    def resolve(self, *, partner, data: dict) -> CheckoutItems:
        booking = booking_partner_get(partner=partner, number=data["booking"])
        return CheckoutItems(user=booking.customer, items=[(BOOKING_KIND, str(booking.pk))])


checkout_item_type_register(BookingItem())
