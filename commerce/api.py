"""Partner API for money: checkout sessions, and the payments, orders and refunds of orders the partner placed.

Everything goes through the site's own services: `order_create_for_item(s)` and `order_checkout` open
Stripe's page, the webhook pipeline records the payment, `refund_request_create` applies the refund
policy. What can be checked out is not known here: product apps register item types
(commerce.api_items), so commerce imports no product app.

A payment is its order's payment: `payment_id` is the order's number, and its status is the order's
in payment words (see commerce.orders.partner_events.PAYMENT_STATUS).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_field,
    extend_schema_serializer,
)
from rest_framework import generics, serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from commerce.api_items import checkout_item_types
from commerce.checkout import order_checkout, order_create_for_items
from commerce.exceptions import CheckoutError, CouponError, PaymentProviderError
from commerce.models import CheckoutSession, Order, RefundRequest
from commerce.order_objects import LineSerializer, OrderSerializer, _utc_field
from commerce.orders import orders_for_partner
from commerce.orders.partner_events import PAYMENT_STATUS
from commerce.refunds import RefundRequestError, refund_request_create
from commerce.registry import NotPurchasable
from innerwork.api.authentication import request_partner
from innerwork.api.exceptions import ApiError
from innerwork.api.idempotency import HEADER as IDEMPOTENCY_HEADER
from innerwork.api.idempotency import idempotent
from innerwork.api.keys import deployment_mode
from innerwork.api.models import PartnerCustomer
from innerwork.api.pagination import CursorPagination
from innerwork.api.selectors import partner_customer_get
from innerwork.core.money import format_money

ORDER_NOT_FOUND = "You have no order with this number."
PAYMENT_NOT_FOUND = "You have no payment with this id."
CUSTOMER_NOT_FOUND = "You have no customer with this id."
URL_NOT_ALLOWED = "Redirect only to your allowed hosts ({hosts}) over https."
UNKNOWN_ITEM_TYPE = "Give item.type, one of: {types}."
PAYMENT_UNAVAILABLE = "Stripe could not be reached; nothing was charged. Retry with the same Idempotency-Key."
SESSION_ID_PLACEHOLDER = "{CHECKOUT_SESSION_ID}"


def _order_for_request(request, number: str, *, message: str = ORDER_NOT_FOUND) -> Order:
    try:
        return orders_for_partner(partner=request_partner(request)).get(number=number[:24])
    except Order.DoesNotExist:
        raise NotFound(message) from None


def _provider_unavailable() -> ApiError:
    return ApiError(503, type="api_error", code="payment_provider_unavailable", message=PAYMENT_UNAVAILABLE)


def redirect_url_allowed(*, url: str, hosts: list[str]) -> bool:
    """Whether Stripe may send the partner's customer to `url`: an exact allowed host, https (http too
    outside live mode, for partners' local test servers), no credentials in it."""
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
    except ValueError:
        return False
    schemes = ("https",) if deployment_mode() == "live" else ("https", "http")
    allowed = {allowed_host.lower() for allowed_host in hosts}
    return parts.scheme in schemes and host in allowed and not parts.username and not parts.password


# --- Output shapes ------------------------------------------------------------------------------------------


@extend_schema_serializer(component_name="Payment")
class PaymentSerializer(serializers.Serializer):
    id = serializers.CharField(source="number")
    object = serializers.SerializerMethodField()
    status = serializers.SerializerMethodField()
    amount = serializers.IntegerField(source="total_amount", help_text="Minor units charged (or to charge).")
    amount_received = serializers.IntegerField(source="amount_paid")
    amount_refunded = serializers.IntegerField()
    currency = serializers.CharField()
    display = serializers.SerializerMethodField()
    order = serializers.CharField(source="number", help_text="The order this payment is for (GET /orders/{id}).")
    customer = serializers.CharField(source="customer_public_id")
    items = LineSerializer(many=True, source="lines.all", help_text="What it bought.")
    failure_message = serializers.CharField()
    created_at = _utc_field()
    paid_at = _utc_field(allow_null=True)

    def get_object(self, order: Order) -> str:
        return "payment"

    @extend_schema_field(serializers.ChoiceField(choices=sorted(set(PAYMENT_STATUS.values()))))
    def get_status(self, order: Order) -> str:
        return PAYMENT_STATUS[Order.Status(order.status)]

    def get_display(self, order: Order) -> str:
        return format_money(order.total_amount, order.currency)


@extend_schema_serializer(component_name="CheckoutSession")
class CheckoutSessionSerializer(serializers.Serializer):
    object = serializers.SerializerMethodField()
    session_id = serializers.CharField(
        allow_null=True, help_text="Stripe's Checkout Session id; null if nothing to pay."
    )
    url = serializers.URLField(allow_null=True, help_text="Send your customer here to pay (Stripe's page).")
    payment_id = serializers.CharField(help_text="Poll GET /payments/{payment_id}, or wait for order.paid.")
    amount = serializers.IntegerField(help_text="Minor units.")
    currency = serializers.CharField()
    display = serializers.CharField()
    expires_at = _utc_field(allow_null=True, help_text="When the page closes and what it holds is freed.")

    def get_object(self, result) -> str:
        return "checkout_session"


def _item_schema() -> PolymorphicProxySerializer:
    """`item` as the schema shows it: one object per registered type, told apart by `type`."""
    return PolymorphicProxySerializer(
        component_name="CheckoutItem",
        serializers={
            name: type(
                f"{name.title()}CheckoutItemSerializer",
                (item_type.InputSerializer,),
                {"type": serializers.ChoiceField(choices=[name], help_text=item_type.summary)},
            )
            for name, item_type in checkout_item_types().items()
        },
        resource_type_field_name="type",
    )


@extend_schema_field(_item_schema())
class CheckoutItemField(serializers.DictField):
    """The body's `item`: `type` picks the registered item type, whose own serializer checks the rest."""

    def to_internal_value(self, data) -> dict:
        item = super().to_internal_value(data)
        types = checkout_item_types()
        item_type = types.get(item.get("type")) if isinstance(item.get("type"), str) else None
        if item_type is None:
            raise serializers.ValidationError({"type": UNKNOWN_ITEM_TYPE.format(types=", ".join(types))})
        fields = item_type.InputSerializer(data={key: value for key, value in item.items() if key != "type"})
        fields.is_valid(raise_exception=True)
        return {"type": item_type, "data": fields.validated_data}


# --- Views ----------------------------------------------------------------------------------------------


class CheckoutSessionCreateApi(generics.GenericAPIView):
    """Open Stripe's payment page for one item (a booking, courses, …) of one of your customers."""

    required_scopes = ("checkout:write",)
    serializer_class = CheckoutSessionSerializer

    @extend_schema_serializer(component_name="CheckoutSessionCreateRequest")
    class InputSerializer(serializers.Serializer):
        item = CheckoutItemField(help_text="What to pay for; `type` says which kind and which fields follow.")
        success_url = serializers.URLField(
            max_length=1000, help_text=f"On an allowed host; may contain {SESSION_ID_PLACEHOLDER}."
        )
        cancel_url = serializers.URLField(max_length=1000, help_text="On an allowed host.")

        def validate(self, data: dict) -> dict:
            hosts = self.context["partner"].allowed_redirect_hosts
            for name in ("success_url", "cancel_url"):
                if not redirect_url_allowed(url=data[name], hosts=hosts):
                    raise ApiError(
                        400,
                        code="url_not_allowed",
                        message=URL_NOT_ALLOWED.format(hosts=", ".join(hosts) or "none yet"),
                        param=name,
                    )
            return data

    @extend_schema(
        operation_id="checkout_sessions_create",
        summary="Start a checkout",
        description="Places (or reuses) the order for the item, priced on our side, and opens Stripe's page "
        "for it; asking again for the same waiting item answers the same page. Send the customer to `url`; "
        "`order.paid` (webhook) or GET /payments/{payment_id} tells you when it is paid.",
        tags=["Checkout"],
        request=InputSerializer,
        responses={
            201: CheckoutSessionSerializer,
            400: OpenApiResponse(description="A parameter is invalid, or `url_not_allowed` (names the URL)."),
            404: OpenApiResponse(description="The booking or customer is not yours."),
            409: OpenApiResponse(description="`not_purchasable`: the item cannot be bought now (taken, owned)."),
            503: OpenApiResponse(description="`payment_provider_unavailable`: Stripe could not be reached."),
        },
        examples=[
            OpenApiExample(
                "A booking",
                request_only=True,
                value={
                    "item": {"type": "booking", "booking": "BKG-20261207-7KQ2XD"},
                    "success_url": "https://portal.example.com/paid?session={CHECKOUT_SESSION_ID}",
                    "cancel_url": "https://portal.example.com/cancelled",
                },
            ),
            OpenApiExample(
                "Courses",
                request_only=True,
                value={
                    "item": {"type": "courses", "customer": "cus_4f9Kx2", "courses": ["mindful-leadership"]},
                    "success_url": "https://portal.example.com/paid",
                    "cancel_url": "https://portal.example.com/cancelled",
                },
            ),
        ],
    )
    @idempotent
    def post(self, request):
        partner = request_partner(request)
        params = self.InputSerializer(data=request.data, context={"partner": partner})
        params.is_valid(raise_exception=True)
        data = params.validated_data
        resolved = data["item"]["type"].resolve(partner=partner, data=data["item"]["data"])
        try:
            order = order_create_for_items(user=resolved.user, items=resolved.items, partner=partner)
            start = order_checkout(order=order, success_url=data["success_url"], cancel_url=data["cancel_url"])
        except (NotPurchasable, CheckoutError, CouponError) as exc:
            raise ApiError(409, code="not_purchasable", message=exc.message, param="item") from None
        except PaymentProviderError:
            raise _provider_unavailable() from None
        order = start.order
        session = (
            order.checkout_sessions.filter(status=CheckoutSession.Status.OPEN).first() if start.at_stripe else None
        )
        result = {
            "session_id": session.stripe_id if session else None,
            "url": start.url if session else None,
            "payment_id": order.number,
            "amount": order.total_amount,
            "currency": order.currency,
            "display": format_money(order.total_amount, order.currency),
            "expires_at": session.expires_at if session else None,
        }
        return Response(self.get_serializer(result).data, status=status.HTTP_201_CREATED)


class PaymentDetailApi(generics.GenericAPIView):
    """A payment's status, amounts and what it bought. Poll it after sending the customer to Stripe."""

    required_scopes = ("checkout:write",)
    serializer_class = PaymentSerializer

    @extend_schema(
        operation_id="payments_retrieve",
        summary="Get a payment",
        description="`status`: pending, succeeded, failed, expired, refunded, partially_refunded.",
        tags=["Checkout"],
        responses={200: PaymentSerializer, 404: OpenApiResponse(description=PAYMENT_NOT_FOUND)},
    )
    def get(self, request, payment_id: str):
        return Response(self.get_serializer(_order_for_request(request, payment_id, message=PAYMENT_NOT_FOUND)).data)


class OrderListApi(generics.GenericAPIView):
    """Your customers' orders, newest first; `customer` narrows to one."""

    required_scopes = ("orders:read",)
    pagination_class = CursorPagination
    cursor_field = "number"
    serializer_class = OrderSerializer

    class FilterSerializer(serializers.Serializer):
        customer = serializers.CharField(required=False, max_length=64, help_text="Only this customer's (cus_…).")

    @extend_schema(
        operation_id="orders_list",
        summary="List orders",
        tags=["Orders"],
        parameters=[FilterSerializer],
        responses={200: OrderSerializer(many=True), 404: OpenApiResponse(description=CUSTOMER_NOT_FOUND)},
    )
    def get(self, request):
        params = self.FilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        partner = request_partner(request)
        user = None
        if params.validated_data.get("customer"):
            try:
                user = partner_customer_get(partner=partner, public_id=params.validated_data["customer"]).user
            except PartnerCustomer.DoesNotExist:
                raise NotFound(CUSTOMER_NOT_FOUND) from None
        page = self.paginate_queryset(orders_for_partner(partner=partner, user=user))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class OrderDetailApi(generics.GenericAPIView):
    required_scopes = ("orders:read",)
    serializer_class = OrderSerializer

    @extend_schema(
        operation_id="orders_retrieve",
        summary="Get an order",
        tags=["Orders"],
        responses={200: OrderSerializer, 404: OpenApiResponse(description=ORDER_NOT_FOUND)},
    )
    def get(self, request, number: str):
        return Response(self.get_serializer(_order_for_request(request, number)).data)


@extend_schema_serializer(component_name="RefundRequest")
class RefundRequestSerializer(serializers.Serializer):
    id = serializers.SerializerMethodField()
    object = serializers.SerializerMethodField()
    status = serializers.ChoiceField(
        choices=RefundRequest.Status.choices,
        help_text="automatic: within the policy, the refund has started; pending: our staff decide.",
    )
    amount = serializers.IntegerField(help_text="What the policy gives back, minor units.")
    currency = serializers.CharField()
    display = serializers.SerializerMethodField()
    order = serializers.CharField(source="order.number")
    lines = serializers.SerializerMethodField()
    created_at = _utc_field()

    def get_id(self, request: RefundRequest) -> str:
        return f"rfr_{request.pk}"

    def get_object(self, request: RefundRequest) -> str:
        return "refund_request"

    def get_display(self, request: RefundRequest) -> str:
        return format_money(request.amount, request.currency)

    def get_lines(self, request: RefundRequest) -> list[int]:
        return sorted(request.lines.values_list("pk", flat=True))


class RefundCreateApi(generics.GenericAPIView):
    """Ask for a refund for your customer, under the same policy and pipeline as the site's refund form."""

    required_scopes = ("refunds:write",)
    serializer_class = RefundRequestSerializer

    @extend_schema_serializer(component_name="RefundCreateRequest")
    class InputSerializer(serializers.Serializer):
        order = serializers.CharField(max_length=24, help_text="The order number.")
        lines = serializers.ListField(
            child=serializers.IntegerField(min_value=1),
            required=False,
            max_length=100,
            help_text="Line ids to refund (default: every line with something left to refund).",
        )
        reason = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")

    @extend_schema(
        operation_id="refunds_create",
        summary="Request a refund",
        description="Within the refund policy (courses: all or nothing within the window; bookings: tiers by "
        "notice) the refund starts at once (`automatic`); otherwise it waits for our staff (`pending`), as "
        "on the site. `order.refunded` tells you when the money went back.",
        tags=["Refunds"],
        request=InputSerializer,
        responses={
            201: RefundRequestSerializer,
            404: OpenApiResponse(description=ORDER_NOT_FOUND),
            409: OpenApiResponse(description="`refund_refused`: nothing left, not this order's line, or one waiting."),
        },
        examples=[OpenApiExample("Whole order", request_only=True, value={"order": "ORD-20261207-7KQ2XD"})],
    )
    @idempotent
    def post(self, request):
        params = self.InputSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        order = _order_for_request(request, data["order"])
        lines = data.get("lines")
        if lines is None:
            lines = [line.pk for line in order.lines.all() if line.refundable_amount > 0]
        key = f"api:{request.auth.pk}:{request.headers[IDEMPOTENCY_HEADER]}"
        try:
            refund_request = refund_request_create(
                order=order, user=order.user, line_ids=lines, reason=data["reason"], request_key=key
            )
        except RefundRequestError as exc:
            raise ApiError(409, code="refund_refused", message=exc.message, param="lines") from None
        except PaymentProviderError:
            raise _provider_unavailable() from None
        return Response(self.get_serializer(refund_request).data, status=status.HTTP_201_CREATED)
