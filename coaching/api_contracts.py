"""Partner API for contracts: a customer's contracts, one with its credits and ledger, its sessions, booking a
session within its credits, and the coach's free times for it. Scope `bookings:write` (see coaching/api.py).

Booking calls the site's own service (coaching.sessions.session_book): the same locks, credits and
calendar rules, refused with an exact code a partner can branch on:

| status | code | when |
|---|---|---|
| 409 | contract_not_paid | the contract is still waiting for payment |
| 409 | contract_not_active | it has ended (completed, cancelled, refunded, or past its end date) |
| 409 | no_credits_left | every session is booked or used |
| 409 | slot_taken | the coach is not free then; `error.alternatives` lists up to 5 free times nearby |
| 400 | after_contract_end | the session would end after the contract's end date (`param`: start_at) |
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field, extend_schema_serializer
from rest_framework import generics, serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from coaching.api import (
    CONTRACT_NOT_FOUND,
    TAGS,
    CustomerFilterSerializer,
    customer_or_400,
    utc_field,
)
from coaching.api_selectors import contract_sessions, partner_contract_get, partner_contracts
from coaching.contract_objects import ContractSerializer, ContractSummarySerializer, contract_render
from coaching.credits import contract_credits
from coaching.models import CoachingSession, Contract
from coaching.sessions import CONTRACT_NOT_ACTIVE, NO_CREDITS_LEFT, PAST_END_DATE, SessionError, session_book
from innerwork.api.authentication import request_partner
from innerwork.api.exceptions import INVALID_REQUEST, ApiError, error_body
from innerwork.api.idempotency import idempotent
from innerwork.api.pagination import CursorPagination, NumericCursorPagination
from innerwork.scheduling.models import Calendar
from innerwork.scheduling.selectors import free_slots
from innerwork.scheduling.services import SchedulingError, SlotTaken

NOT_PAID = "This contract is waiting for payment: sessions can be booked once it is paid."
OFFSET_REQUIRED = "Give the time with its UTC offset, e.g. 2026-12-07T09:00:00Z."
NOT_DATE_OR_TIME = "Give a date (2026-12-07) or a time with its offset (2026-12-07T09:00:00Z)."
TOO_FAR = "Give a time within {days} days of now."
RANGE_REVERSED = "`to` must be after `from`."
RANGE_TOO_LONG = "Ask for {days} days at most."
SLOT_UNAVAILABLE = "This time cannot be booked: {reason}"

MAX_DISTANCE = timedelta(days=3 * 365)  # no contract lasts longer (104 weeks): anything further is a typo
MAX_SLOT_RANGE = timedelta(days=62)
DEFAULT_SLOT_RANGE = timedelta(days=14)


def _contract(request, number: str) -> Contract:
    try:
        return partner_contract_get(partner=request_partner(request), number=number)
    except Contract.DoesNotExist:
        raise NotFound(CONTRACT_NOT_FOUND) from None


def _coach_zone(contract: Contract) -> str:
    try:
        return contract.coach.user.calendar.time_zone
    except Calendar.DoesNotExist:
        return contract.coach.user.time_zone or "UTC"


# --- Output shapes ------------------------------------------------------------------------------------------


@extend_schema_serializer(component_name="CoachingSession")
class SessionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    object = serializers.SerializerMethodField()
    contract = serializers.CharField(source="contract.number")
    status = serializers.ChoiceField(choices=CoachingSession.Status.choices)
    start_at = utc_field(source="appointment.start_at")
    end_at = utc_field(source="appointment.end_at")
    meeting_url = serializers.CharField(source="contract.coach.meeting_url", help_text="Where it is held.")
    reschedule_count = serializers.IntegerField()
    canceled_at = utc_field(allow_null=True)

    def get_object(self, session: CoachingSession) -> str:
        return "coaching_session"


@extend_schema_serializer(component_name="CoachingSlot")
class SlotSerializer(serializers.Serializer):
    start = utc_field()
    end = utc_field()


@extend_schema_field(OpenApiTypes.DATETIME)
class InstantField(serializers.Field):
    """An ISO 8601 time with its UTC offset, within MAX_DISTANCE of now; naive times are refused."""

    def to_internal_value(self, value) -> datetime:
        try:
            parsed = datetime.fromisoformat(str(value).strip())
        except ValueError:
            raise serializers.ValidationError(OFFSET_REQUIRED) from None
        if parsed.tzinfo is None:
            raise serializers.ValidationError(OFFSET_REQUIRED)
        return _near(parsed.astimezone(UTC))


@extend_schema_field(OpenApiTypes.STR)
class DateOrInstantField(serializers.Field):
    """A date (`2026-12-07`, midnight in the coach's zone) or a time with its offset."""

    def to_internal_value(self, value) -> date | datetime:
        text = str(value).strip()
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
        try:
            parsed = datetime.fromisoformat(text.replace(" ", "+"))
        except ValueError:
            raise serializers.ValidationError(NOT_DATE_OR_TIME) from None
        if parsed.tzinfo is None:
            raise serializers.ValidationError(OFFSET_REQUIRED)
        return _near(parsed.astimezone(UTC))


def _near(instant: datetime) -> datetime:
    if abs(instant - timezone.now()) > MAX_DISTANCE:
        raise serializers.ValidationError(TOO_FAR.format(days=MAX_DISTANCE.days))
    return instant


def _instant(value: date | datetime | None, *, zone: str, end: bool) -> datetime | None:
    """A `from`/`to` value as UTC: a date is its midnight in the coach's zone (for `to`, the next one)."""
    if value is None or isinstance(value, datetime):
        return value
    if abs(value - timezone.now().date()) > MAX_DISTANCE:
        raise serializers.ValidationError({"to" if end else "from": TOO_FAR.format(days=MAX_DISTANCE.days)})
    day = value + timedelta(days=1) if end else value
    return datetime.combine(day, time(0), tzinfo=ZoneInfo(zone)).astimezone(UTC)


# --- Views --------------------------------------------------------------------------------------------------


class ContractListApi(generics.GenericAPIView):
    """A customer's contracts, newest first."""

    required_scopes = ("bookings:write",)
    pagination_class = CursorPagination
    cursor_field = "number"

    @extend_schema_serializer(component_name="ContractListItem")
    class OutputSerializer(ContractSummarySerializer):
        """A contract without its credits and ledger (GET the contract for those)."""

    serializer_class = OutputSerializer

    @extend_schema(
        operation_id="contracts_list",
        summary="List a customer's contracts",
        tags=TAGS,
        parameters=[CustomerFilterSerializer],
        responses={
            200: OutputSerializer(many=True),
            400: OpenApiResponse(description="No `customer`, or not one of yours; the body names the parameter."),
        },
    )
    def get(self, request):
        params = CustomerFilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        partner = request_partner(request)
        customer = customer_or_400(partner=partner, public_id=params.validated_data["customer"])
        page = self.paginate_queryset(partner_contracts(partner=partner, customer=customer))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class ContractDetailApi(generics.GenericAPIView):
    """One contract: its frozen terms, status, credits and the ledger of its credits."""

    required_scopes = ("bookings:write",)

    OutputSerializer = ContractSerializer
    serializer_class = OutputSerializer

    @extend_schema(
        operation_id="contracts_retrieve",
        summary="Get a contract with its credits and ledger",
        tags=TAGS,
        responses={200: OutputSerializer, 404: OpenApiResponse(description=CONTRACT_NOT_FOUND)},
    )
    def get(self, request, number: str):
        return Response(contract_render(_contract(request, number)))


def _book_refusal(*, contract: Contract, exc: SessionError) -> ApiError:
    """session_book's refusal as the API's error, by the sessions module's own message constants."""
    if exc.message == CONTRACT_NOT_ACTIVE:
        if contract.status == Contract.Status.PENDING_PAYMENT:
            return ApiError(409, code="contract_not_paid", message=NOT_PAID)
        return ApiError(409, code="contract_not_active", message=exc.message)
    if exc.message.startswith(NO_CREDITS_LEFT.split("{")[0]):
        return ApiError(409, code="no_credits_left", message=exc.message)
    if exc.message.startswith(PAST_END_DATE.split("{")[0]):
        return ApiError(400, code="after_contract_end", message=exc.message, param="start_at")
    return ApiError(409, code="resource_conflict", message=exc.message)


class ContractSessionsApi(generics.GenericAPIView):
    """`/contracts/{number}/sessions/`: GET lists the contract's sessions (newest first); POST books one."""

    required_scopes = ("bookings:write",)
    pagination_class = NumericCursorPagination
    cursor_field = "pk"
    serializer_class = SessionSerializer

    @extend_schema_serializer(component_name="CoachingSessionCreateRequest")
    class InputSerializer(serializers.Serializer):
        start_at = InstantField(help_text="One of the contract's free slots (GET …/slots/), with its offset.")

    @extend_schema(
        operation_id="contract_sessions_list",
        summary="List a contract's sessions",
        tags=TAGS,
        responses={200: SessionSerializer(many=True), 404: OpenApiResponse(description=CONTRACT_NOT_FOUND)},
    )
    def get(self, request, number: str):
        contract = _contract(request, number)
        page = self.paginate_queryset(contract_sessions(contract=contract))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        operation_id="contract_sessions_create",
        summary="Book a session within the contract's credits",
        description="Holds and confirms the time in the coach's calendar at once (the contract paid for it); "
        "both people get the invitation. Refused while the contract waits for payment (409 contract_not_paid), "
        "once it has ended (409 contract_not_active), with every credit booked or used (409 no_credits_left), "
        "when the coach is not free then (409 slot_taken, with `error.alternatives`), or when the session "
        "would end after the contract's end date (400 after_contract_end).",
        tags=TAGS,
        request=InputSerializer,
        responses={
            201: SessionSerializer,
            400: OpenApiResponse(description="`start_at` is invalid or after the contract's end (after_contract_end)."),
            404: OpenApiResponse(description=CONTRACT_NOT_FOUND),
            409: OpenApiResponse(
                description="contract_not_paid, contract_not_active, no_credits_left, or slot_taken with "
                "`error.alternatives` ([{start, end}], UTC); or the Idempotency-Key's request is still running."
            ),
        },
    )
    @idempotent
    def post(self, request, number: str):
        contract = _contract(request, number)
        params = self.InputSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        try:
            session = session_book(
                contract=contract, student=contract.student, start_at=params.validated_data["start_at"]
            )
        except SessionError as exc:
            raise _book_refusal(contract=contract, exc=exc) from None
        except SlotTaken as taken:
            body = error_body(type=INVALID_REQUEST, code="slot_taken", message=str(taken), param="start_at")
            body["error"]["alternatives"] = SlotSerializer(taken.alternatives, many=True).data
            return Response(body, status=status.HTTP_409_CONFLICT)
        except SchedulingError as exc:
            raise ApiError(
                409, code="slot_taken", message=SLOT_UNAVAILABLE.format(reason=exc), param="start_at"
            ) from None
        session = contract_sessions(contract=contract).select_related("contract__coach").get(pk=session.pk)
        return Response(self.get_serializer(session).data, status=status.HTTP_201_CREATED)


@dataclass(frozen=True)
class ContractSlots:
    contract: Contract
    time_zone: str
    length: int
    start: datetime
    end: datetime
    credits_available: int
    slots: list


class ContractSlotsApi(generics.GenericAPIView):
    """The coach's free start times for one session of this contract, in UTC, with the coach's zone named."""

    required_scopes = ("bookings:write",)

    class FilterSerializer(serializers.Serializer):
        """`from`/`to` (reserved words in Python) arrive by name through `get_fields`."""

        def get_fields(self):
            fields = super().get_fields()
            fields["from"] = DateOrInstantField(
                required=False,
                help_text="A date (midnight in the coach's zone) or a time with its offset. Default: now.",
            )
            fields["to"] = DateOrInstantField(
                required=False,
                help_text=f"A date (included whole) or a time. Default: from + {DEFAULT_SLOT_RANGE.days} days; "
                f"at most {MAX_SLOT_RANGE.days} days after `from`; cut at the contract's end.",
            )
            return fields

        def validate(self, data: dict) -> dict:
            zone, now = self.context["time_zone"], timezone.now()
            start = _instant(data.get("from"), zone=zone, end=False) or now
            end = _instant(data.get("to"), zone=zone, end=True) or start + DEFAULT_SLOT_RANGE
            if end <= start:
                raise serializers.ValidationError({"to": RANGE_REVERSED})
            if end - start > MAX_SLOT_RANGE:
                raise serializers.ValidationError({"to": RANGE_TOO_LONG.format(days=MAX_SLOT_RANGE.days)})
            return {"start": start, "end": end}

    @extend_schema_serializer(component_name="ContractSlots")
    class OutputSerializer(serializers.Serializer):
        contract = serializers.CharField(source="contract.number")
        time_zone = serializers.CharField(help_text="The coach's IANA zone, in which their hours are set.")
        length = serializers.IntegerField(help_text="The contract's session length, in minutes.")
        credits_available = serializers.IntegerField(help_text="Sessions that can still be booked.")
        start = utc_field(help_text="Where the search started (`from` or now, whichever is later).")
        end = utc_field(help_text="Where it ended (`to`, cut so a session ends by the contract's end).")
        slots = SlotSerializer(many=True, help_text="Free start times, earliest first.")

    serializer_class = OutputSerializer

    @extend_schema(
        operation_id="contract_slots",
        summary="List the coach's free times for this contract",
        tags=TAGS,
        parameters=[FilterSerializer],
        responses={
            200: OutputSerializer,
            400: OpenApiResponse(description="A parameter is invalid; the body names it."),
            404: OpenApiResponse(description=CONTRACT_NOT_FOUND),
            409: OpenApiResponse(description="contract_not_active: the contract has ended."),
        },
    )
    def get(self, request, number: str):
        contract = _contract(request, number)
        zone = _coach_zone(contract)
        params = self.FilterSerializer(data=request.query_params, context={"time_zone": zone})
        params.is_valid(raise_exception=True)
        now = timezone.now()
        length = timedelta(minutes=contract.session_minutes)
        if contract.status == Contract.Status.PENDING_PAYMENT:
            # Not paid yet: what the coach offers over the validity a payment now would start.
            closes = now + timedelta(weeks=contract.validity_weeks)
        elif contract.status == Contract.Status.ACTIVE and contract.ends_at and contract.ends_at > now:
            closes = contract.ends_at
        else:
            raise ApiError(409, code="contract_not_active", message=CONTRACT_NOT_ACTIVE)
        start = max(params.validated_data["start"], now)
        end = min(params.validated_data["end"], closes - length)
        slots = (
            free_slots(host=contract.coach.user, length=length, start=start, end=end, now=now) if start < end else []
        )
        result = ContractSlots(
            contract=contract,
            time_zone=zone,
            length=contract.session_minutes,
            start=start,
            end=max(start, end),
            credits_available=contract_credits(contract=contract).available,
            slots=slots,
        )
        return Response(self.get_serializer(result).data)
