"""Partner API for a contract's sessions once booked, and for ending the contract: read one session, move it,
cancel it (the late-cancellation rule answered), and cancel the contract with its pro-rata refund quote.

The partner acts as its customer, the contract's student (party `student`), through the site's own
services: `coaching.sessions.session_reschedule` / `session_cancel` and `coaching.contract_end.contract_cancel`,
so the locks, notice terms, calendar rules, e-mails, refunds and partner events are the site's. Scope
`bookings:write`, as for the rest of a customer's contracts (coaching/api.py); another partner's contract
or session is a 404. `?preview=true` on a cancel answers what cancelling now would do and does nothing.

Refusals, each in the one error shape:

| status | code | when |
|---|---|---|
| 409 | session_not_scheduled | the session is already cancelled, completed or marked a no-show |
| 409 | contract_not_active | moving a session of a contract that has ended |
| 409 | reschedule_too_late | moving closer to its start than the contract's notice (cancel it instead) |
| 409 | session_started | cancelling a session that has already started |
| 409 | slot_taken | the coach is not free at the new time; `error.alternatives` lists free times nearby |
| 400 | after_contract_end | the moved session would end after the contract's end date (`param`: start_at) |
| 409 | contract_not_cancelable | cancelling a contract that has already ended (completed, cancelled, refunded) |
"""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, extend_schema_serializer
from rest_framework import generics, serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from coaching.api import CONTRACT_NOT_FOUND, TAGS
from coaching.api_contracts import InstantField, SessionSerializer, SlotSerializer
from coaching.api_selectors import contract_sessions, partner_contract_get
from coaching.contract_end import NOT_CANCELABLE, contract_cancel, contract_cancel_quote
from coaching.contract_objects import ContractSummarySerializer
from coaching.models import CoachingSession, Contract
from coaching.sessions import (
    ALREADY_STARTED,
    MOVE_TOO_LATE,
    NOT_SCHEDULED,
    PAST_END_DATE,
    SessionError,
    session_cancel,
    session_cancel_status,
    session_reschedule,
)
from innerwork.api.authentication import request_partner
from innerwork.api.exceptions import INVALID_REQUEST, ApiError, error_body
from innerwork.api.idempotency import idempotent
from innerwork.core.money import format_money
from innerwork.scheduling.services import SchedulingError, SlotTaken

SESSION_NOT_FOUND = "This contract has no session with this id."
NOT_FOUND = f"{CONTRACT_NOT_FOUND} / {SESSION_NOT_FOUND}"
SLOT_UNAVAILABLE = "This time cannot be booked: {reason}"
CREDIT_RETURNED = "Cancelled at least {hours} hours before it starts: the session's credit comes back to the contract."
CREDIT_USED = (
    "Cancelled less than {hours} hours before it starts: the session's credit is used, "
    "as the contract's cancellation terms say."
)

SCOPES = ("bookings:write",)
MAX_ID = 2**63 - 1  # a BigAutoField: a larger id names no session (and PostgreSQL would refuse to compare it)


def _contract(request, number: str) -> Contract:
    try:
        return partner_contract_get(partner=request_partner(request), number=number)
    except Contract.DoesNotExist:
        raise NotFound(CONTRACT_NOT_FOUND) from None


def contract_session_get(*, contract: Contract, pk: int) -> CoachingSession:
    """The contract's session `pk` (any status), with what the output needs; NotFound for any other id."""
    try:
        if pk > MAX_ID:
            raise CoachingSession.DoesNotExist(pk)
        session = contract_sessions(contract=contract).get(pk=pk)
    except CoachingSession.DoesNotExist:
        raise NotFound(SESSION_NOT_FOUND) from None
    session.contract = contract  # the partner's view of it (coach joined, `customer_id` annotated)
    return session


def _session(request, number: str, pk: int) -> CoachingSession:
    return contract_session_get(contract=_contract(request, number), pk=pk)


def _student(session: CoachingSession):
    return session.contract.student


def _session_refusal(*, session: CoachingSession, exc: SessionError) -> ApiError:
    """A session service's refusal as the API's error, by the sessions module's own message constants."""
    if exc.message == NOT_SCHEDULED:
        current = CoachingSession.objects.select_related("contract").get(pk=session.pk)
        if current.status == CoachingSession.Status.SCHEDULED:  # the session is, its contract no longer
            return ApiError(409, code="contract_not_active", message=exc.message)
        return ApiError(409, code="session_not_scheduled", message=exc.message)
    if exc.message == ALREADY_STARTED:
        return ApiError(409, code="session_started", message=exc.message)
    if exc.message.startswith(MOVE_TOO_LATE.split("{")[0]):
        return ApiError(409, code="reschedule_too_late", message=exc.message)
    if exc.message.startswith(PAST_END_DATE.split("{")[0]):
        return ApiError(400, code="after_contract_end", message=exc.message, param="start_at")
    return ApiError(409, code="resource_conflict", message=exc.message)


def _slot_taken(taken: SlotTaken) -> Response:
    body = error_body(type=INVALID_REQUEST, code="slot_taken", message=str(taken), param="start_at")
    body["error"]["alternatives"] = SlotSerializer(taken.alternatives, many=True).data
    return Response(body, status=status.HTTP_409_CONFLICT)


class PreviewSerializer(serializers.Serializer):
    preview = serializers.BooleanField(
        required=False, default=False, help_text="true: answer what cancelling now would do, and do nothing."
    )


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=255, required=False, allow_blank=True, default="", help_text="Kept on the contract's timeline."
    )


# --- Output shapes ------------------------------------------------------------------------------------------


@extend_schema_serializer(component_name="CoachingSessionCancellation")
class SessionCancellationSerializer(serializers.Serializer):
    object = serializers.SerializerMethodField()
    preview = serializers.BooleanField(help_text="True: nothing was done; this is what cancelling now would do.")
    session = SessionSerializer(help_text="The session as it now is (still scheduled in a preview).")
    outcome = serializers.ChoiceField(
        choices=[CoachingSession.Status.CANCELED_IN_TIME, CoachingSession.Status.CANCELED_LATE],
        help_text="The session's status once cancelled.",
    )
    credit = serializers.ChoiceField(
        choices=["returned", "used"], help_text="`returned`: it can be booked again; `used`: it counts as held."
    )
    notice_hours = serializers.IntegerField(help_text="The contract's notice: with less, the credit is used.")
    explanation = serializers.CharField(help_text="For the customer, about their session credit.")

    def get_object(self, result) -> str:
        return "coaching_session_cancellation"


@extend_schema_serializer(component_name="ContractRefundQuote")
class ContractRefundSerializer(serializers.Serializer):
    amount = serializers.IntegerField(help_text="Minor units that go back (0 when unpaid or every session is used).")
    currency = serializers.CharField(help_text="ISO 4217, lower case.")
    display = serializers.CharField(help_text='e.g. "$675.00".')
    paid = serializers.IntegerField(help_text="What the contract's payment came to, in minor units.")
    sessions = serializers.IntegerField(help_text="The contract's sessions.")
    used = serializers.IntegerField(help_text="Sessions counted as used, including `late` ones.")
    late = serializers.IntegerField(help_text="Booked sessions too close to start to cancel in time: counted as used.")
    unused = serializers.IntegerField(help_text="Sessions whose share comes back.")
    explanation = serializers.CharField(help_text="How the amount was worked out: paid − used × (paid ÷ sessions).")


@extend_schema_serializer(component_name="ContractCancellation")
class ContractCancellationSerializer(serializers.Serializer):
    object = serializers.SerializerMethodField()
    preview = serializers.BooleanField(help_text="True: nothing was done; this is what cancelling now would do.")
    contract = ContractSummarySerializer(help_text="The contract as it now is (unchanged in a preview).")
    refund = ContractRefundSerializer()
    message = serializers.CharField(help_text="For the customer, about their money (empty in a preview or unpaid).")

    def get_object(self, result) -> str:
        return "contract_cancellation"


# --- Views --------------------------------------------------------------------------------------------------


class ContractSessionDetailApi(generics.GenericAPIView):
    """One of the contract's sessions, whatever its status."""

    required_scopes = SCOPES
    serializer_class = SessionSerializer

    @extend_schema(
        operation_id="contract_sessions_retrieve",
        summary="Get a contract's session",
        tags=TAGS,
        responses={200: SessionSerializer, 404: OpenApiResponse(description=NOT_FOUND)},
    )
    def get(self, request, number: str, pk: int):
        return Response(self.get_serializer(_session(request, number, pk)).data)


class ContractSessionRescheduleApi(generics.GenericAPIView):
    """Move a scheduled session to another free time of the coach (the contract's notice terms apply)."""

    required_scopes = SCOPES
    serializer_class = SessionSerializer

    @extend_schema_serializer(component_name="CoachingSessionRescheduleRequest")
    class InputSerializer(serializers.Serializer):
        start_at = InstantField(help_text="The new start, one of the contract's free slots (GET …/slots/).")

    @extend_schema(
        operation_id="contract_sessions_reschedule",
        summary="Reschedule a contract's session",
        description="As the student moving it on the site: the credit stays booked, both people get the updated "
        "invitation. Moving it to the time it already has changes nothing. Refused when it is no longer "
        "scheduled (409 session_not_scheduled), its contract has ended (409 contract_not_active), it starts "
        "within the contract's notice (409 reschedule_too_late: cancel instead), the coach is not free then "
        "(409 slot_taken, with `error.alternatives`), or it would end after the contract (400 after_contract_end).",
        tags=TAGS,
        request=InputSerializer,
        responses={
            200: SessionSerializer,
            400: OpenApiResponse(description="`start_at` is invalid or after the contract's end (after_contract_end)."),
            404: OpenApiResponse(description=NOT_FOUND),
            409: OpenApiResponse(
                description="session_not_scheduled, contract_not_active, reschedule_too_late, or slot_taken with "
                "`error.alternatives` ([{start, end}], UTC); or the Idempotency-Key's request is still running."
            ),
        },
        examples=[OpenApiExample("Move", request_only=True, value={"start_at": "2026-12-08T10:00:00Z"})],
    )
    @idempotent
    def post(self, request, number: str, pk: int):
        session = _session(request, number, pk)
        params = self.InputSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        try:
            session_reschedule(session=session, start_at=params.validated_data["start_at"], actor=_student(session))
        except SessionError as exc:
            raise _session_refusal(session=session, exc=exc) from None
        except SlotTaken as taken:
            return _slot_taken(taken)
        except SchedulingError as exc:
            raise ApiError(
                409, code="slot_taken", message=SLOT_UNAVAILABLE.format(reason=exc), param="start_at"
            ) from None
        return Response(self.get_serializer(_session(request, number, pk)).data)


class ContractSessionCancelApi(generics.GenericAPIView):
    """Cancel a scheduled session for the student; the answer says whether its credit came back."""

    required_scopes = SCOPES
    serializer_class = SessionCancellationSerializer

    @extend_schema_serializer(component_name="CoachingSessionCancelRequest")
    class InputSerializer(ReasonSerializer):
        pass

    @extend_schema(
        operation_id="contract_sessions_cancel",
        summary="Cancel a contract's session",
        description="As the student cancelling on the site: its time is freed at once and both people get the "
        "cancellation. With at least the contract's notice (`notice_hours`) its credit comes back; later, it "
        "is used (and using the last credit completes the contract). With `?preview=true` nothing happens: "
        "the answer says what cancelling now would do, or the refusal it would meet.",
        tags=TAGS,
        parameters=[PreviewSerializer],
        request=InputSerializer,
        responses={
            200: SessionCancellationSerializer,
            404: OpenApiResponse(description=NOT_FOUND),
            409: OpenApiResponse(
                description="session_not_scheduled or session_started; or the Idempotency-Key's request is still "
                "running."
            ),
        },
    )
    @idempotent
    def post(self, request, number: str, pk: int):
        session = _session(request, number, pk)
        query = PreviewSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = self.InputSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        preview, now = query.validated_data["preview"], timezone.now()
        if preview:
            # What session_cancel would refuse, checked the same way, without its locks: nothing changes.
            if session.status != CoachingSession.Status.SCHEDULED:
                raise _session_refusal(session=session, exc=SessionError(NOT_SCHEDULED))
            if session.appointment.start_at <= now:
                raise _session_refusal(session=session, exc=SessionError(ALREADY_STARTED))
            outcome = session_cancel_status(session=session, party=Contract.Party.STUDENT, now=now)
        else:
            try:
                done = session_cancel(
                    session=session, actor=_student(session), reason=params.validated_data["reason"], now=now
                )
            except SessionError as exc:
                raise _session_refusal(session=session, exc=exc) from None
            outcome = done.status
            session = _session(request, number, pk)
        hours = session.contract.cancel_notice_hours
        returned = outcome == CoachingSession.Status.CANCELED_IN_TIME
        result = {
            "preview": preview,
            "session": session,
            "outcome": outcome,
            "credit": "returned" if returned else "used",
            "notice_hours": hours,
            "explanation": (CREDIT_RETURNED if returned else CREDIT_USED).format(hours=hours),
        }
        return Response(self.get_serializer(result).data)


def contract_refund_recorded(*, contract: Contract) -> int | None:
    """The refund `contract_cancel` decided under the contract's lock, as its timeline recorded it (None: none)."""
    ended = contract.events.filter(type=contract.status).order_by("-pk").first()
    return ended.data.get("refund") if ended else None


class ContractCancelApi(generics.GenericAPIView):
    """Cancel a contract for its student, refunding the unused sessions pro rata; `?preview=true` only quotes."""

    required_scopes = SCOPES
    serializer_class = ContractCancellationSerializer

    @extend_schema_serializer(component_name="ContractCancelRequest")
    class InputSerializer(ReasonSerializer):
        pass

    @extend_schema(
        operation_id="contracts_cancel",
        summary="Cancel a contract",
        description="As the student cancelling on the site: its booked sessions are cancelled (those within the "
        "contract's notice count as used), and `paid − used × (paid ÷ sessions)` goes back through the refund "
        "pipeline (credit note and e-mail when Stripe confirms; one refund per contract however often this is "
        "called). The contract ends `refunded` when money goes back, else `canceled`, and your webhook "
        "endpoints receive `contract.ended`. A contract waiting for payment is simply cancelled. With "
        "`?preview=true` nothing happens: the answer is the refund quote for cancelling now.",
        tags=TAGS,
        parameters=[PreviewSerializer],
        request=InputSerializer,
        responses={
            200: ContractCancellationSerializer,
            404: OpenApiResponse(description=CONTRACT_NOT_FOUND),
            409: OpenApiResponse(
                description="contract_not_cancelable: it has already ended; or the Idempotency-Key's request is "
                "still running."
            ),
        },
    )
    @idempotent
    def post(self, request, number: str):
        contract = _contract(request, number)
        query = PreviewSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = self.InputSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        preview, now = query.validated_data["preview"], timezone.now()
        if contract.status not in (Contract.Status.ACTIVE, Contract.Status.PENDING_PAYMENT):
            raise ApiError(409, code="contract_not_cancelable", message=NOT_CANCELABLE)
        quote = contract_cancel_quote(contract=contract, party=Contract.Party.STUDENT, now=now)
        amount, message = quote.amount, ""
        if not preview:
            try:
                contract, message = contract_cancel(
                    contract=contract,
                    party=Contract.Party.STUDENT,
                    actor=contract.student,
                    reason=params.validated_data["reason"],
                    now=now,
                )
            except SessionError as exc:
                raise ApiError(409, code="contract_not_cancelable", message=exc.message) from None
            amount = contract_refund_recorded(contract=contract) or 0
            contract = _contract(request, number)
        refund = {
            "amount": amount,
            "currency": quote.currency,
            "display": format_money(amount, quote.currency),
            "paid": quote.paid,
            "sessions": quote.sessions,
            "used": quote.used,
            "late": quote.late,
            "unused": quote.unused,
            "explanation": quote.explanation,
        }
        result = {"preview": preview, "contract": contract, "refund": refund, "message": message}
        return Response(self.get_serializer(result).data)
