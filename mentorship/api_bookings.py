"""Partner API for bookings: a partner books, reads, moves and cancels sessions for its own customers.

Every write goes through the site's services (`mentorship.bookings`), so a partner's booking holds
its slot, is priced and paid, moved and refunded exactly like one made on the site. A booking is
visible to a partner only when the partner's API made it (its order records the partner); anyone else's,
the same customer's made on the site or through another partner included, is a 404.

Scopes: writes need `bookings:write`; so do the reads. A key that books must read back what it
booked, and the money side (orders, payments) is what `orders:read` is for; requiring one scope for
the booking object keeps "which key sees what" a one-line answer.
"""

from __future__ import annotations

from datetime import UTC

from django.utils import timezone
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, extend_schema_serializer
from rest_framework import generics, serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from commerce.exceptions import CheckoutError, CouponError
from commerce.registry import NotPurchasable
from innerwork.api.authentication import request_partner
from innerwork.api.exceptions import ApiError, error_body
from innerwork.api.idempotency import idempotent
from innerwork.api.models import PartnerCustomer
from innerwork.api.pagination import CursorPagination
from innerwork.api.selectors import partner_customer_get
from innerwork.core.money import format_money
from innerwork.scheduling.services import SlotTaken
from mentorship.booking_objects import UTC_FORMAT, BookingSerializer
from mentorship.bookings import (
    BookingError,
    booking_cancel,
    booking_cancel_quote,
    booking_reschedule,
    booking_start,
)
from mentorship.models import Booking, MentorProfile
from mentorship.selectors import bookings_for_partner
from mentorship.services import MentorError

BOOKING_NOT_FOUND = "You have no booking with this number."
CUSTOMER_NOT_FOUND = "You have no customer with this id."
MENTOR_NOT_FOUND = "No mentor has this slug."
SLOT_TAKEN = "This time is not free any more; `alternatives` lists free times nearby."
OFFSET_REQUIRED = "Give the time's UTC offset (2026-12-07T09:00:00Z): a time without one is ambiguous."

TAGS = ["Bookings"]
SCOPES = ("bookings:write",)


class AwareDateTimeField(serializers.DateTimeField):
    """An ISO 8601 instant with its offset, returned in UTC; a naive time is refused, never guessed."""

    def to_internal_value(self, value):
        parsed = super().to_internal_value(value)
        if isinstance(value, str) and not _has_offset(value):
            raise serializers.ValidationError(OFFSET_REQUIRED)
        return parsed.astimezone(UTC)


def _has_offset(text: str) -> bool:
    tail = text.strip()[10:]
    return tail.endswith(("Z", "z")) or "+" in tail or "-" in tail


def _customer(request, public_id: str) -> PartnerCustomer:
    try:
        return partner_customer_get(partner=request_partner(request), public_id=public_id)
    except PartnerCustomer.DoesNotExist:
        raise NotFound(CUSTOMER_NOT_FOUND) from None


def booking_partner_get(*, partner, number: str) -> Booking:
    """The partner's booking with this number; NotFound (404) for any other, whoever's it is."""
    try:
        return bookings_for_partner(partner=partner).get(number=number[:24])
    except Booking.DoesNotExist:
        raise NotFound(BOOKING_NOT_FOUND) from None


def booking_for_request(request, number: str) -> Booking:
    return booking_partner_get(partner=request_partner(request), number=number)


def _refused(exc: Exception) -> ApiError:
    return ApiError(409, code="booking_refused", message=getattr(exc, "message", str(exc)))


def _slot_taken(exc: SlotTaken) -> Response:
    """409 `slot_taken` in the one error shape, with up to five free times nearby to offer instead."""
    body = error_body(type="invalid_request_error", code="slot_taken", message=SLOT_TAKEN, param="start")
    body["error"]["alternatives"] = [
        {"start": slot.start.astimezone(UTC).strftime(UTC_FORMAT), "end": slot.end.astimezone(UTC).strftime(UTC_FORMAT)}
        for slot in exc.alternatives
    ]
    return Response(body, status=status.HTTP_409_CONFLICT)


# --- Output shapes ------------------------------------------------------------------------------------------


@extend_schema_serializer(component_name="BookingRefundQuote")
class RefundQuoteSerializer(serializers.Serializer):
    amount = serializers.IntegerField(help_text="Minor units that go back if cancelled now.")
    currency = serializers.CharField()
    display = serializers.CharField(source="label")
    explanation = serializers.CharField(help_text="How the amount was worked out (the refund policy's tiers).")


@extend_schema_serializer(component_name="BookingCancellation")
class CancellationSerializer(serializers.Serializer):
    object = serializers.SerializerMethodField()
    preview = serializers.BooleanField(help_text="True: nothing was done; this is what cancelling now would do.")
    booking = BookingSerializer()
    refund = RefundQuoteSerializer(help_text="What goes back to the customer (0 when unpaid or too late).")
    message = serializers.CharField(help_text="For the customer, about their money.")

    def get_object(self, result) -> str:
        return "booking_cancellation"


# --- Views ----------------------------------------------------------------------------------------------


class BookingsApi(generics.GenericAPIView):
    """`/bookings/`: GET lists your customers' bookings (newest first); POST books a session for one."""

    required_scopes = SCOPES
    pagination_class = CursorPagination
    cursor_field = "number"
    serializer_class = BookingSerializer

    class FilterSerializer(serializers.Serializer):
        customer = serializers.CharField(required=False, max_length=64, help_text="Only this customer's (cus_…).")

    @extend_schema_serializer(component_name="BookingCreateRequest")
    class InputSerializer(serializers.Serializer):
        customer = serializers.CharField(max_length=64, help_text="Your customer's id (cus_…).")
        mentor = serializers.SlugField(max_length=50, help_text="The mentor's slug (GET /mentors/).")
        start = AwareDateTimeField(help_text="A free start from GET /mentors/{slug}/slots/, ISO 8601 UTC.")
        length = serializers.IntegerField(min_value=1, max_value=1440, help_text="Minutes, one the mentor offers.")
        topic = serializers.CharField(max_length=120, help_text="What the customer wants to talk about.")
        notes = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")

    @extend_schema(
        operation_id="bookings_list",
        summary="List bookings",
        description="Your customers' bookings, newest first; `customer` narrows to one.",
        tags=TAGS,
        parameters=[FilterSerializer],
        responses={200: BookingSerializer(many=True), 404: OpenApiResponse(description=CUSTOMER_NOT_FOUND)},
    )
    def get(self, request):
        params = self.FilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        public_id = params.validated_data.get("customer")
        customer = _customer(request, public_id).user if public_id else None
        bookings = bookings_for_partner(partner=request_partner(request), customer=customer)
        page = self.paginate_queryset(bookings)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        operation_id="bookings_create",
        summary="Book a session",
        description="Holds the time on the mentor's calendar and places the order, as the site does; the "
        "booking waits for payment (POST /checkout-sessions/ with it) and is confirmed when paid. A time "
        "taken meanwhile answers 409 `slot_taken` with free times nearby in `error.alternatives`.",
        tags=TAGS,
        request=InputSerializer,
        responses={
            201: OpenApiResponse(BookingSerializer, description="Booked; waiting for payment."),
            404: OpenApiResponse(description=CUSTOMER_NOT_FOUND),
            409: OpenApiResponse(description="`slot_taken` (with alternatives) or `booking_refused`."),
        },
        examples=[
            OpenApiExample(
                "Book 60 minutes",
                request_only=True,
                value={
                    "customer": "cus_4f9Kx2",
                    "mentor": "ana-lopez",
                    "start": "2026-12-07T09:00:00Z",
                    "length": 60,
                    "topic": "Leading my first team",
                },
            )
        ],
    )
    @idempotent
    def post(self, request):
        params = self.InputSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        customer = _customer(request, data["customer"])
        mentor = MentorProfile.objects.filter(slug=data["mentor"], status=MentorProfile.Status.APPROVED).first()
        if mentor is None:
            raise ApiError(400, code="parameter_invalid", message=MENTOR_NOT_FOUND, param="mentor")
        try:
            booking, _order = booking_start(
                customer=customer.user,
                mentor=mentor,
                start_at=data["start"],
                minutes=data["length"],
                topic=data["topic"],
                notes=data["notes"],
                partner=request_partner(request),
            )
        except SlotTaken as exc:
            return _slot_taken(exc)
        except MentorError as exc:
            raise ApiError(400, code="parameter_invalid", message=exc.message, param="length") from None
        except (BookingError, NotPurchasable, CheckoutError, CouponError) as exc:
            raise _refused(exc) from None
        booking = booking_for_request(request, booking.number)  # as partners see it (their customer id)
        return Response(self.get_serializer(booking).data, status=status.HTTP_201_CREATED)


class BookingDetailApi(generics.GenericAPIView):
    """One of your customers' bookings."""

    required_scopes = SCOPES
    serializer_class = BookingSerializer

    @extend_schema(
        operation_id="bookings_retrieve",
        summary="Get a booking",
        tags=TAGS,
        responses={200: BookingSerializer, 404: OpenApiResponse(description=BOOKING_NOT_FOUND)},
    )
    def get(self, request, number: str):
        return Response(self.get_serializer(booking_for_request(request, number)).data)


class BookingRescheduleApi(generics.GenericAPIView):
    """Move a confirmed booking to another free time of the same length (the site's rules: notice, count)."""

    required_scopes = SCOPES
    serializer_class = BookingSerializer

    @extend_schema_serializer(component_name="BookingRescheduleRequest")
    class InputSerializer(serializers.Serializer):
        start = AwareDateTimeField(help_text="The new start, a free time of the same length, ISO 8601 UTC.")

    @extend_schema(
        operation_id="bookings_reschedule",
        summary="Reschedule a booking",
        description="The payment stays as it is; both people get the updated invitation. Refused (409 "
        "`booking_refused`) when not confirmed, too close to its start, or moved too often; 409 "
        "`slot_taken` with alternatives when the new time is not free.",
        tags=TAGS,
        request=InputSerializer,
        responses={
            200: BookingSerializer,
            404: OpenApiResponse(description=BOOKING_NOT_FOUND),
            409: OpenApiResponse(description="`slot_taken` (with alternatives) or `booking_refused`."),
        },
        examples=[OpenApiExample("Move", request_only=True, value={"start": "2026-12-08T10:00:00Z"})],
    )
    @idempotent
    def post(self, request, number: str):
        booking = booking_for_request(request, number)
        params = self.InputSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        try:
            booking = booking_reschedule(
                booking=booking, start_at=params.validated_data["start"], actor=booking.customer
            )
        except SlotTaken as exc:
            return _slot_taken(exc)
        except BookingError as exc:
            raise _refused(exc) from None
        return Response(self.get_serializer(booking_for_request(request, number)).data)


class BookingCancelApi(generics.GenericAPIView):
    """Cancel a booking for its customer, with the refund the policy gives; `?preview=true` only quotes it."""

    required_scopes = SCOPES
    serializer_class = CancellationSerializer

    class QuerySerializer(serializers.Serializer):
        preview = serializers.BooleanField(
            required=False, default=False, help_text="true: answer what cancelling now would give back, do nothing."
        )

    @extend_schema_serializer(component_name="BookingCancelRequest")
    class InputSerializer(serializers.Serializer):
        reason = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")

    @extend_schema(
        operation_id="bookings_cancel",
        summary="Cancel a booking",
        description="As the customer cancelling on the site: the time is freed at once and the refund the "
        "policy's notice tiers give is started through the refund pipeline (an unpaid booking is simply "
        "cancelled). With `?preview=true` nothing happens: the answer says what would go back now.",
        tags=TAGS,
        parameters=[QuerySerializer],
        request=InputSerializer,
        responses={
            200: CancellationSerializer,
            404: OpenApiResponse(description=BOOKING_NOT_FOUND),
            409: OpenApiResponse(description="`booking_refused`: it can no longer be cancelled."),
        },
    )
    @idempotent
    def post(self, request, number: str):
        booking = booking_for_request(request, number)
        query = self.QuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = self.InputSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        now = timezone.now()
        paid = booking.status == Booking.Status.CONFIRMED
        quote = booking_cancel_quote(booking=booking, now=now) if paid else None
        message = ""
        if not query.validated_data["preview"]:
            try:
                booking, message = booking_cancel(
                    booking=booking, actor=booking.customer, reason=params.validated_data["reason"], now=now
                )
            except BookingError as exc:
                raise _refused(exc) from None
            booking = booking_for_request(request, number)
        refund = {
            "amount": quote.amount if quote else 0,
            "currency": booking.currency,
            "label": format_money(quote.amount if quote else 0, booking.currency),
            "explanation": quote.explanation if quote else "",
        }
        result = {"preview": query.validated_data["preview"], "booking": booking, "refund": refund, "message": message}
        return Response(self.get_serializer(result).data)
