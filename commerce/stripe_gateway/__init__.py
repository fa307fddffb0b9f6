"""The one door to Stripe: the only package of InnerWork that imports `stripe`.

Every call sets an idempotency key where it writes, maps Stripe's errors to
commerce.exceptions (PaymentProviderError: retrying is safe; PaymentDeclined: the card
was refused), mirrors what it touched into dj-stripe (`<Model>.sync_from_stripe_data`),
and hands back plain values (ids, CheckoutSessionInfo), never stripe-python objects.
Policy (which Price, which discount, when) lives in commerce.stripe_mirror and commerce.checkout.services.
"""

from commerce.stripe_gateway.catalog import price_archive, price_create, product_create, product_update
from commerce.stripe_gateway.checkout import (
    CheckoutSessionInfo,
    PaymentIntentInfo,
    StripeLine,
    payment_intent_read_and_mirror,
    payment_intent_retrieve,
    session_create,
    session_expire,
    session_for_payment_intent,
    session_mirror,
    session_read_and_mirror,
    session_retrieve,
)
from commerce.stripe_gateway.client import (
    PROVIDER_REFUSED,
    PROVIDER_UNAVAILABLE,
    IdempotencyConflict,
    ProviderRequestRefused,
)
from commerce.stripe_gateway.customers import customer_for_user, customer_replace
from commerce.stripe_gateway.discounts import (
    StripeCouponTerms,
    coupon_create,
    coupon_retrieve,
    promotion_code_create,
    promotion_code_set_active,
)
from commerce.stripe_gateway.emulator import (
    EmulatorPayment,
    EmulatorUnavailable,
    emulator_answering,
    emulator_pay_checkout_session,
    emulator_url,
)
from commerce.stripe_gateway.refunds import (
    ChargeInfo,
    RefundInfo,
    charges_list,
    refund_create,
    refund_retrieve,
    refunds_for_charge,
    refunds_list,
)
from commerce.stripe_gateway.webhooks import stripe_reachable, webhook_endpoint_ensure, webhook_endpoint_for_cli

__all__ = [
    "PROVIDER_REFUSED",
    "PROVIDER_UNAVAILABLE",
    "ChargeInfo",
    "CheckoutSessionInfo",
    "EmulatorPayment",
    "EmulatorUnavailable",
    "IdempotencyConflict",
    "PaymentIntentInfo",
    "ProviderRequestRefused",
    "RefundInfo",
    "StripeCouponTerms",
    "StripeLine",
    "charges_list",
    "coupon_create",
    "coupon_retrieve",
    "customer_for_user",
    "customer_replace",
    "emulator_answering",
    "emulator_pay_checkout_session",
    "emulator_url",
    "payment_intent_read_and_mirror",
    "payment_intent_retrieve",
    "price_archive",
    "price_create",
    "product_create",
    "product_update",
    "promotion_code_create",
    "promotion_code_set_active",
    "refund_create",
    "refund_retrieve",
    "refunds_for_charge",
    "refunds_list",
    "session_create",
    "session_expire",
    "session_for_payment_intent",
    "session_mirror",
    "session_read_and_mirror",
    "session_retrieve",
    "stripe_reachable",
    "webhook_endpoint_ensure",
    "webhook_endpoint_for_cli",
]
