"""The partner API's own endpoints: customers, the config, and the JSON 404 for unknown URLs."""

from __future__ import annotations

from datetime import UTC

from django.conf import settings
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_serializer
from rest_framework import generics, serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from innerwork.accounts.time_zones import is_valid_time_zone
from innerwork.api.authentication import request_partner
from innerwork.api.idempotency import idempotent
from innerwork.api.keys import deployment_mode
from innerwork.api.models import PartnerCustomer
from innerwork.api.pagination import CursorPagination
from innerwork.api.selectors import partner_customer_get, partner_customers
from innerwork.api.services import partner_customer_create_or_link
from innerwork.api.versioning import CURRENT_VERSION

CUSTOMER_NOT_FOUND = "You have no customer with this id."
UNKNOWN_URL = "Unknown URL: {path}. See /api/v1/docs/ for the endpoints."
UNKNOWN_TIME_ZONE = "Give an IANA time zone, e.g. Europe/Berlin."
UTC_FORMAT = "%Y-%m-%dT%H:%M:%SZ"

TAGS = ["Customers"]


@extend_schema_serializer(component_name="Customer")
class CustomerSerializer(serializers.Serializer):
    """A partner's customer: an InnerWork account the partner acts for, under the partner's own id."""

    id = serializers.CharField(source="public_id", help_text="Our id for the customer, e.g. cus_…")
    object = serializers.SerializerMethodField()
    external_id = serializers.CharField(help_text="Your id for this person.")
    email = serializers.EmailField(source="user.email")
    name = serializers.CharField(source="user.full_name")
    time_zone = serializers.CharField(source="user.time_zone", help_text="IANA zone, e.g. Europe/Berlin.")
    linked_existing_account = serializers.SerializerMethodField(
        help_text="True when the e-mail already had an InnerWork account, which was linked as it was."
    )
    created_at = serializers.DateTimeField(default_timezone=UTC, format=UTC_FORMAT)

    def get_object(self, customer: PartnerCustomer) -> str:
        return "customer"

    def get_linked_existing_account(self, customer: PartnerCustomer) -> bool:
        return not customer.created_user


class CustomersApi(generics.GenericAPIView):
    """`/customers/`: GET lists the partner's customers (newest first); POST creates or links one.

    Two operations on one URL (REST's collection), each with its own serializers and schema.
    """

    required_scopes = ("customers:write",)
    pagination_class = CursorPagination
    cursor_field = "public_id"
    serializer_class = CustomerSerializer

    class FilterSerializer(serializers.Serializer):
        email = serializers.EmailField(required=False, max_length=254)
        external_id = serializers.CharField(required=False, max_length=255)

    @extend_schema_serializer(component_name="CustomerCreateRequest")
    class InputSerializer(serializers.Serializer):
        email = serializers.EmailField(max_length=254)
        external_id = serializers.CharField(max_length=255, help_text="Your id for this person (unique per partner).")
        name = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")
        time_zone = serializers.CharField(
            max_length=64, required=False, default="UTC", help_text="IANA zone, e.g. Europe/Berlin (default UTC)."
        )

        def validate_time_zone(self, name: str) -> str:
            if not is_valid_time_zone(name):
                raise serializers.ValidationError(UNKNOWN_TIME_ZONE)
            return name

    @extend_schema(
        operation_id="customers_list",
        summary="List customers",
        description="Your customers, newest first; filter by e-mail or external_id.",
        tags=TAGS,
        parameters=[FilterSerializer],
        responses=CustomerSerializer(many=True),
    )
    def get(self, request):
        params = self.FilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        customers = partner_customers(partner=request_partner(request), **params.validated_data)
        page = self.paginate_queryset(customers)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        operation_id="customers_create",
        summary="Create or link a customer",
        description="Creates an InnerWork account for the e-mail, or links the account it already has (its "
        "name and time zone stay the person's own), under your external_id. Sending the same customer again "
        "answers 200 with it, unchanged.",
        tags=TAGS,
        request=InputSerializer,
        responses={
            201: OpenApiResponse(CustomerSerializer, description="A new customer (new or linked account)."),
            200: OpenApiResponse(CustomerSerializer, description="Already your customer: returned unchanged."),
            409: OpenApiResponse(description="The external_id or the e-mail is already your customer otherwise."),
        },
    )
    @idempotent
    def post(self, request):
        params = self.InputSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        result = partner_customer_create_or_link(
            partner=request_partner(request),
            email=data["email"],
            external_id=data["external_id"],
            full_name=data["name"],
            time_zone=data["time_zone"],
        )
        return Response(
            CustomerSerializer(result.customer).data,
            status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK,
        )


class CustomerDetailApi(generics.GenericAPIView):
    """One of the partner's customers; another partner's is a 404, as if it did not exist."""

    required_scopes = ("customers:write",)
    serializer_class = CustomerSerializer

    @extend_schema(
        operation_id="customers_retrieve",
        summary="Get a customer",
        tags=TAGS,
        responses={200: CustomerSerializer, 404: OpenApiResponse(description=CUSTOMER_NOT_FOUND)},
    )
    def get(self, request, customer_id: str):
        try:
            customer = partner_customer_get(partner=request_partner(request), public_id=customer_id)
        except PartnerCustomer.DoesNotExist:
            raise NotFound(CUSTOMER_NOT_FOUND) from None
        return Response(self.get_serializer(customer).data)


class ConfigApi(APIView):
    """What a partner's front end needs to talk to Stripe and to us; any valid key, no scope."""

    @extend_schema_serializer(component_name="Config")
    class OutputSerializer(serializers.Serializer):
        publishable_key = serializers.CharField(help_text="Stripe's publishable key (pk_test_… or pk_live_…).")
        mode = serializers.ChoiceField(choices=["test", "live"], help_text="Stripe's mode here; your key's too.")
        api_version = serializers.CharField(help_text="The current version (InnerWork-Version header).")

    @extend_schema(
        operation_id="config_retrieve", summary="Get the config", tags=["Config"], responses=OutputSerializer
    )
    def get(self, request):
        mode = deployment_mode()
        publishable_key = settings.STRIPE_LIVE_PUBLIC_KEY if mode == "live" else settings.STRIPE_TEST_PUBLIC_KEY
        data = {"publishable_key": publishable_key, "mode": mode, "api_version": CURRENT_VERSION}
        return Response(self.OutputSerializer(data).data)


@extend_schema(exclude=True)
class UnknownUrlApi(APIView):
    """Any /api/v1/ path without an endpoint: a 404 in the API's error shape, whatever the method."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    def _not_found(self, request, *args, **kwargs):
        raise NotFound(UNKNOWN_URL.format(path=request.path))

    get = post = put = patch = delete = head = options = _not_found
