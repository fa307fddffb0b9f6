"""Partner API for coaching: coaches and their example packages, a customer's proposals (accept, decline),
and the contract a partner's checkout pays. Contracts and their sessions are in coaching/api_contracts.py.

Scopes: the coaches are catalogue (`catalogue:read`); proposals, contracts and sessions are a customer's
bookings, read and written with `bookings:write` (there is no separate read scope for bookings). A proposal
whose student is not the partner's customer is a 404, as if it did not exist; so is a contract the partner did
not make (accepting a proposal through the partner places the contract's order through it).
"""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_serializer
from rest_framework import generics, serializers
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from coaching.api_selectors import partner_contract_get, partner_proposal_get, partner_proposals
from coaching.contract_objects import CoachRefSerializer, MoneySerializer, TermsSerializer, utc_field
from coaching.conversation import (
    COACH_UNAVAILABLE,
    PROPOSAL_EXPIRED,
    ConversationError,
    proposal_accept,
    proposal_decline,
)
from coaching.models import CONTRACT_KIND, CoachProfile, Contract, Proposal
from coaching.selectors import coach_listed, coaches_listed
from innerwork.api.authentication import request_partner
from innerwork.api.exceptions import ApiError
from innerwork.api.idempotency import idempotent
from innerwork.api.models import Partner, PartnerCustomer
from innerwork.api.pagination import CursorPagination, OrderedCursorPagination
from innerwork.api.selectors import partner_customer_get

COACH_NOT_FOUND = "No approved coach has this slug."
PROPOSAL_NOT_FOUND = "You have no customer with a proposal of this number."
CONTRACT_NOT_FOUND = "You have no contract with this number (one bought through you)."
CUSTOMER_NOT_FOUND = "You have no customer with this id."
NOT_PAYABLE = "This contract is {status}: only a contract waiting for payment can be paid."

# A refused answer to a proposal, by the reason the conversation gives: (HTTP status, code).
PROPOSAL_REFUSALS = {
    "coach_unavailable": (409, "coach_unavailable"),
    "expired": (409, "proposal_expired"),
    "not_open": (409, "proposal_not_open"),
}

TAGS = ["Coaching"]


def customer_or_400(*, partner: Partner, public_id: str) -> PartnerCustomer:
    """The `customer` query parameter's customer; another partner's or an unknown id is a 400 naming it."""
    try:
        return partner_customer_get(partner=partner, public_id=public_id)
    except PartnerCustomer.DoesNotExist:
        raise serializers.ValidationError({"customer": [CUSTOMER_NOT_FOUND]}) from None


class CustomerFilterSerializer(serializers.Serializer):
    customer = serializers.CharField(max_length=64, help_text="Your customer's id (cus_…).")


# --- Coaches ------------------------------------------------------------------------------------------------


@extend_schema_serializer(component_name="CoachPackage")
class PackageSerializer(serializers.Serializer):
    """An example package: an illustration; what a customer pays is the price of a proposal made for them."""

    title = serializers.CharField()
    description = serializers.CharField()
    sessions_count = serializers.IntegerField()
    session_minutes = serializers.IntegerField()
    validity_weeks = serializers.IntegerField()
    price = MoneySerializer(source="*")


class CoachSummarySerializer(serializers.Serializer):
    @extend_schema_serializer(component_name="CoachSpecialty")
    class SpecialtySerializer(serializers.Serializer):
        slug = serializers.SlugField()
        name = serializers.CharField()

    slug = serializers.SlugField()
    name = serializers.CharField(source="user.get_full_name")
    headline = serializers.CharField()
    specialties = SpecialtySerializer(source="specialties.all", many=True)
    languages = serializers.ListField(child=serializers.CharField(), help_text="ISO 639-1 codes.")
    packages = PackageSerializer(source="packages.all", many=True)
    url = serializers.SerializerMethodField(help_text="The public coach page.")

    def get_url(self, coach: CoachProfile) -> str:
        path = reverse("coaching:coach_detail", kwargs={"slug": coach.slug})
        return self.context["request"].build_absolute_uri(path)


class CoachListApi(generics.ListAPIView):
    """Approved coaches, by name, with their example packages; paginated."""

    required_scopes = ("catalogue:read",)
    pagination_class = OrderedCursorPagination
    cursor_field = "slug"

    class FilterSerializer(serializers.Serializer):
        specialty = serializers.SlugField(required=False, help_text="A specialty slug.")
        language = serializers.RegexField(r"^[a-z]{2}$", required=False, help_text="An ISO 639-1 code.")

    @extend_schema_serializer(component_name="CoachListItem")
    class OutputSerializer(CoachSummarySerializer):
        """A coach as shown on the coaches list."""

    serializer_class = OutputSerializer

    def get_queryset(self):
        params = self.FilterSerializer(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        return coaches_listed(**params.validated_data)

    @extend_schema(
        operation_id="coaches_list",
        summary="List coaches",
        tags=TAGS,
        parameters=[FilterSerializer],
        responses={
            200: OutputSerializer(many=True),
            400: OpenApiResponse(description="A filter value is invalid; the body names the parameter."),
        },
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class CoachDetailApi(generics.GenericAPIView):
    """One approved coach with the whole bio and the example packages."""

    required_scopes = ("catalogue:read",)

    @extend_schema_serializer(component_name="CoachDetail")
    class OutputSerializer(CoachSummarySerializer):
        bio = serializers.CharField()

    serializer_class = OutputSerializer

    @extend_schema(
        operation_id="coaches_retrieve",
        summary="Get a coach",
        tags=TAGS,
        responses={200: OutputSerializer, 404: OpenApiResponse(description=COACH_NOT_FOUND)},
    )
    def get(self, request, slug: str):
        try:
            coach = coach_listed(slug=slug)
        except CoachProfile.DoesNotExist:
            raise NotFound(COACH_NOT_FOUND) from None
        return Response(self.get_serializer(coach).data)


# --- Proposals ----------------------------------------------------------------------------------------------


@extend_schema_serializer(component_name="Proposal")
class ProposalSerializer(serializers.Serializer):
    """A coach's offer to your customer; answered with accept (→ a contract waiting for payment) or decline."""

    number = serializers.CharField(help_text="e.g. PRP-20261204-7KQ2XD.")
    object = serializers.SerializerMethodField()
    customer = serializers.CharField(source="customer_id", help_text="Your customer's id (cus_…).")
    coach = CoachRefSerializer()
    status = serializers.ChoiceField(choices=Proposal.Status.choices)
    terms = TermsSerializer(source="*")
    expires_at = utc_field(help_text="An answer after this is refused and the proposal expires.")
    decided_at = utc_field(allow_null=True)
    created_at = utc_field()
    supersedes = serializers.CharField(
        source="supersedes.number", allow_null=True, help_text="The proposal this one revised, if any."
    )
    contract = serializers.SerializerMethodField(
        help_text="The contract an accepted proposal became (CTR-…), when it was accepted through you; else null."
    )

    def get_object(self, proposal: Proposal) -> str:
        return "proposal"

    def get_contract(self, proposal: Proposal) -> str | None:
        if not proposal.contract_is_partners:  # accepted on the site or through another partner: not yours
            return None
        try:
            return proposal.contract.number
        except Contract.DoesNotExist:
            return None


def _proposal(request, number: str) -> Proposal:
    try:
        return partner_proposal_get(partner=request_partner(request), number=number)
    except Proposal.DoesNotExist:
        raise NotFound(PROPOSAL_NOT_FOUND) from None


def _refusal(exc: ConversationError) -> ApiError:
    """A ConversationError as the API's error: its reason by the conversation's own message constants."""
    if exc.message == COACH_UNAVAILABLE:
        reason = "coach_unavailable"
    elif exc.message.startswith(PROPOSAL_EXPIRED.split("{")[0]):
        reason = "expired"
    else:
        reason = "not_open"
    status, code = PROPOSAL_REFUSALS[reason]
    return ApiError(status, code=code, message=exc.message)


class ProposalListApi(generics.GenericAPIView):
    """A customer's proposals, newest first."""

    required_scopes = ("bookings:write",)
    pagination_class = CursorPagination
    cursor_field = "number"
    serializer_class = ProposalSerializer

    @extend_schema(
        operation_id="proposals_list",
        summary="List a customer's proposals",
        tags=TAGS,
        parameters=[CustomerFilterSerializer],
        responses={
            200: ProposalSerializer(many=True),
            400: OpenApiResponse(description="No `customer`, or not one of yours; the body names the parameter."),
        },
    )
    def get(self, request):
        params = CustomerFilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        partner = request_partner(request)
        customer = customer_or_400(partner=partner, public_id=params.validated_data["customer"])
        page = self.paginate_queryset(partner_proposals(partner=partner, customer=customer))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class ProposalDetailApi(generics.GenericAPIView):
    required_scopes = ("bookings:write",)
    serializer_class = ProposalSerializer

    @extend_schema(
        operation_id="proposals_retrieve",
        summary="Get a proposal",
        tags=TAGS,
        responses={200: ProposalSerializer, 404: OpenApiResponse(description=PROPOSAL_NOT_FOUND)},
    )
    def get(self, request, number: str):
        return Response(self.get_serializer(_proposal(request, number)).data)


ANSWER_ERRORS = {
    404: OpenApiResponse(description=PROPOSAL_NOT_FOUND),
    409: OpenApiResponse(
        description="`proposal_not_open` (already declined, withdrawn, superseded or expired), `proposal_expired` "
        "(answered after its expiry: it is now expired), `coach_unavailable` (the coach stopped taking clients); "
        "or the Idempotency-Key's request is still running."
    ),
}


def _answer(view, request, number: str, service, **options) -> Response:
    """The customer's answer to their proposal through `service` (accept, decline); the proposal as it now is."""
    proposal = _proposal(request, number)
    try:
        service(proposal=proposal, student=proposal.student, **options)
    except ConversationError as exc:
        raise _refusal(exc) from None
    return Response(view.get_serializer(_proposal(request, number)).data)


class ProposalAcceptApi(generics.GenericAPIView):
    """The customer accepts: the terms are frozen into a contract waiting for payment (`contract` in the answer).

    Accepting an accepted proposal again answers it unchanged, with the same contract.
    """

    required_scopes = ("bookings:write",)
    serializer_class = ProposalSerializer

    @extend_schema(
        operation_id="proposals_accept",
        summary="Accept a proposal",
        tags=TAGS,
        request=None,
        responses={200: ProposalSerializer, **ANSWER_ERRORS},
    )
    @idempotent
    def post(self, request, number: str):
        # The contract it makes is this partner's: its order is placed through the partner.
        return _answer(self, request, number, proposal_accept, partner=request_partner(request))


class ProposalDeclineApi(generics.GenericAPIView):
    """The customer says no; the coach is told. A proposal already answered is a 409."""

    required_scopes = ("bookings:write",)
    serializer_class = ProposalSerializer

    @extend_schema(
        operation_id="proposals_decline",
        summary="Decline a proposal",
        tags=TAGS,
        request=None,
        responses={200: ProposalSerializer, **ANSWER_ERRORS},
    )
    @idempotent
    def post(self, request, number: str):
        return _answer(self, request, number, proposal_decline)


# --- Checkout ----------------------------------------------------------------------------------------------


class ContractItemSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=["contract"])
    number = serializers.CharField(max_length=24, help_text="The contract's number (CTR-…).")


def contract_checkout_item(*, partner: Partner, body: dict) -> tuple[object, str, str]:
    """Resolve a checkout item `{"type": "contract", "number": "CTR-…"}` to (the student, kind, ref) commerce sells.

    For the checkout-sessions endpoint's registry of item resolvers. Only a contract of one of `partner`'s
    customers (NotFound otherwise, the API's 404) that is waiting for payment (409 `contract_not_payable`);
    a malformed item is a 400 naming its field. Reads only: commerce places the order and prices it from the
    contract's frozen terms (coaching.product_kind), never from anything the partner sends.
    """
    item = ContractItemSerializer(data=body)
    item.is_valid(raise_exception=True)
    try:
        contract = partner_contract_get(partner=partner, number=item.validated_data["number"])
    except Contract.DoesNotExist:
        raise NotFound(CONTRACT_NOT_FOUND) from None
    if contract.status != Contract.Status.PENDING_PAYMENT:
        raise ApiError(
            409,
            code="contract_not_payable",
            message=NOT_PAYABLE.format(status=contract.get_status_display().lower()),
            param="number",
        )
    return contract.student, CONTRACT_KIND, str(contract.pk)
