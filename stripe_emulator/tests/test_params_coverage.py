"""Every endpoint accepts exactly the parameters Stripe accepts (stripe-python's `stripe/params/` TypedDicts).

A parameter Stripe knows is either implemented or refused with an explicit "not implemented" error; a
parameter Stripe does not know is `parameter_unknown`. This test keeps the emulator's tables honest when
stripe-python is upgraded.
"""

import importlib

import pytest

from stripe_emulator.api import router
from stripe_emulator.params import Unsupported

REQUEST_OPTIONS = {
    "api_key",
    "stripe_version",
    "stripe_account",
    "stripe_context",
    "max_network_retries",
    "idempotency_key",
    "content_type",
    "headers",
}

# (method, route) -> stripe-python params module under stripe.params, class name
REFERENCE = {
    ("GET", "/v1/account"): ("_account_retrieve_params", "AccountRetrieveParams"),
    ("GET", "/v1/accounts/{account_id}"): ("_account_retrieve_params", "AccountRetrieveParams"),
    ("POST", "/v1/customers"): ("_customer_create_params", "CustomerCreateParams"),
    ("GET", "/v1/customers/{customer_id}"): ("_customer_retrieve_params", "CustomerRetrieveParams"),
    ("POST", "/v1/customers/{customer_id}"): ("_customer_modify_params", "CustomerModifyParams"),
    ("DELETE", "/v1/customers/{customer_id}"): ("_customer_delete_params", "CustomerDeleteParams"),
    ("GET", "/v1/customers"): ("_customer_list_params", "CustomerListParams"),
    ("GET", "/v1/customers/search"): ("_customer_search_params", "CustomerSearchParams"),
    ("GET", "/v1/customers/{customer_id}/payment_methods"): (
        "_customer_list_payment_methods_params",
        "CustomerListPaymentMethodsParams",
    ),
    ("POST", "/v1/products"): ("_product_create_params", "ProductCreateParams"),
    ("GET", "/v1/products/{product_id}"): ("_product_retrieve_params", "ProductRetrieveParams"),
    ("POST", "/v1/products/{product_id}"): ("_product_modify_params", "ProductModifyParams"),
    ("DELETE", "/v1/products/{product_id}"): ("_product_delete_params", "ProductDeleteParams"),
    ("GET", "/v1/products"): ("_product_list_params", "ProductListParams"),
    ("GET", "/v1/products/search"): ("_product_search_params", "ProductSearchParams"),
    ("GET", "/v1/products/{product_id}/features"): ("_product_feature_list_params", "ProductFeatureListParams"),
    ("POST", "/v1/prices"): ("_price_create_params", "PriceCreateParams"),
    ("GET", "/v1/prices/{price_id}"): ("_price_retrieve_params", "PriceRetrieveParams"),
    ("POST", "/v1/prices/{price_id}"): ("_price_modify_params", "PriceModifyParams"),
    ("GET", "/v1/prices"): ("_price_list_params", "PriceListParams"),
    ("GET", "/v1/prices/search"): ("_price_search_params", "PriceSearchParams"),
    ("POST", "/v1/coupons"): ("_coupon_create_params", "CouponCreateParams"),
    ("GET", "/v1/coupons/{coupon_id}"): ("_coupon_retrieve_params", "CouponRetrieveParams"),
    ("POST", "/v1/coupons/{coupon_id}"): ("_coupon_modify_params", "CouponModifyParams"),
    ("DELETE", "/v1/coupons/{coupon_id}"): ("_coupon_delete_params", "CouponDeleteParams"),
    ("GET", "/v1/coupons"): ("_coupon_list_params", "CouponListParams"),
    ("POST", "/v1/promotion_codes"): ("_promotion_code_create_params", "PromotionCodeCreateParams"),
    ("GET", "/v1/promotion_codes/{promotion_code_id}"): (
        "_promotion_code_retrieve_params",
        "PromotionCodeRetrieveParams",
    ),
    ("POST", "/v1/promotion_codes/{promotion_code_id}"): ("_promotion_code_modify_params", "PromotionCodeModifyParams"),
    ("GET", "/v1/promotion_codes"): ("_promotion_code_list_params", "PromotionCodeListParams"),
    ("POST", "/v1/checkout/sessions"): ("checkout._session_create_params", "SessionCreateParams"),
    ("GET", "/v1/checkout/sessions/{session_id}"): ("checkout._session_retrieve_params", "SessionRetrieveParams"),
    ("POST", "/v1/checkout/sessions/{session_id}"): ("checkout._session_modify_params", "SessionModifyParams"),
    ("GET", "/v1/checkout/sessions"): ("checkout._session_list_params", "SessionListParams"),
    ("GET", "/v1/checkout/sessions/{session_id}/line_items"): (
        "checkout._session_list_line_items_params",
        "SessionListLineItemsParams",
    ),
    ("POST", "/v1/checkout/sessions/{session_id}/expire"): ("checkout._session_expire_params", "SessionExpireParams"),
    ("GET", "/v1/payment_intents/{intent_id}"): ("_payment_intent_retrieve_params", "PaymentIntentRetrieveParams"),
    ("GET", "/v1/payment_intents"): ("_payment_intent_list_params", "PaymentIntentListParams"),
    ("GET", "/v1/payment_intents/search"): ("_payment_intent_search_params", "PaymentIntentSearchParams"),
    ("GET", "/v1/charges/{charge_id}"): ("_charge_retrieve_params", "ChargeRetrieveParams"),
    ("GET", "/v1/charges"): ("_charge_list_params", "ChargeListParams"),
    ("GET", "/v1/charges/search"): ("_charge_search_params", "ChargeSearchParams"),
    ("GET", "/v1/charges/{charge_id}/refunds"): ("_charge_list_refunds_params", "ChargeListRefundsParams"),
    ("GET", "/v1/payment_methods/{method_id}"): ("_payment_method_retrieve_params", "PaymentMethodRetrieveParams"),
    ("GET", "/v1/payment_methods"): ("_payment_method_list_params", "PaymentMethodListParams"),
    ("GET", "/v1/balance_transactions/{txn_id}"): (
        "_balance_transaction_retrieve_params",
        "BalanceTransactionRetrieveParams",
    ),
    ("GET", "/v1/balance_transactions"): ("_balance_transaction_list_params", "BalanceTransactionListParams"),
    ("POST", "/v1/refunds"): ("_refund_create_params", "RefundCreateParams"),
    ("GET", "/v1/refunds/{refund_id}"): ("_refund_retrieve_params", "RefundRetrieveParams"),
    ("POST", "/v1/refunds/{refund_id}"): ("_refund_modify_params", "RefundModifyParams"),
    ("GET", "/v1/refunds"): ("_refund_list_params", "RefundListParams"),
    ("GET", "/v1/disputes/{dispute_id}"): ("_dispute_retrieve_params", "DisputeRetrieveParams"),
    ("POST", "/v1/disputes/{dispute_id}"): ("_dispute_modify_params", "DisputeModifyParams"),
    ("POST", "/v1/disputes/{dispute_id}/close"): ("_dispute_close_params", "DisputeCloseParams"),
    ("GET", "/v1/disputes"): ("_dispute_list_params", "DisputeListParams"),
    ("GET", "/v1/events/{event_id}"): ("_event_retrieve_params", "EventRetrieveParams"),
    ("GET", "/v1/events"): ("_event_list_params", "EventListParams"),
    ("POST", "/v1/webhook_endpoints"): ("_webhook_endpoint_create_params", "WebhookEndpointCreateParams"),
    ("GET", "/v1/webhook_endpoints/{endpoint_id}"): (
        "_webhook_endpoint_retrieve_params",
        "WebhookEndpointRetrieveParams",
    ),
    ("POST", "/v1/webhook_endpoints/{endpoint_id}"): ("_webhook_endpoint_modify_params", "WebhookEndpointModifyParams"),
    ("DELETE", "/v1/webhook_endpoints/{endpoint_id}"): (
        "_webhook_endpoint_delete_params",
        "WebhookEndpointDeleteParams",
    ),
    ("GET", "/v1/webhook_endpoints"): ("_webhook_endpoint_list_params", "WebhookEndpointListParams"),
}


def stripe_params(module: str, name: str) -> set[str]:
    typed_dict = getattr(importlib.import_module(f"stripe.params.{module}"), name)
    return set(typed_dict.__annotations__) - REQUEST_OPTIONS


def test_every_route_has_a_stripe_reference():
    routes = {(route.method, route.pattern) for route in router.routes}

    assert routes == set(REFERENCE)


@pytest.mark.parametrize(("method", "pattern"), sorted(REFERENCE))
def test_route_accepts_exactly_stripes_parameters(method, pattern):
    route = router.find(method, pattern)

    assert set(route.schema) == stripe_params(*REFERENCE[(method, pattern)])


def test_line_items_and_payment_intent_data_follow_stripe():
    from stripe.params.checkout import _session_create_params as reference

    schema = router.find("POST", "/v1/checkout/sessions").schema
    line_item = schema["line_items"].item.fields

    assert set(line_item) == set(reference.SessionCreateParamsLineItem.__annotations__)
    assert set(line_item["price_data"].fields) == set(reference.SessionCreateParamsLineItemPriceData.__annotations__)
    assert set(schema["payment_intent_data"].fields) == set(
        reference.SessionCreateParamsPaymentIntentData.__annotations__
    )


def test_what_is_not_implemented_is_refused_not_ignored():
    schema = router.find("POST", "/v1/checkout/sessions").schema

    refused = {name for name, field in schema.items() if isinstance(field, Unsupported)}

    assert {"automatic_tax", "subscription_data", "shipping_options", "invoice_creation"} <= refused
