"""What the Checkout Session endpoints accept: stripe-python's `SessionCreateParams` and friends.

Parameters the emulator implements are validated; those it only stores are kept as given; the rest Stripe
accepts are refused with an explicit "not implemented" error rather than silently ignored.
"""

from stripe_emulator.api.catalog import PRODUCT_DATA, RECURRING
from stripe_emulator.params import (
    LIST_PARAMS,
    Arr,
    Bool,
    Dec,
    Enum,
    Int,
    Metadata,
    Obj,
    Str,
    Timestamps,
    Unsupported,
)

LINE_ITEM = Obj(
    {
        "adjustable_quantity": Unsupported(),
        "metadata": Metadata(),
        "price": Str(),
        "price_data": Obj(
            {
                "currency": Str(required=True),
                "product": Str(),
                "product_data": PRODUCT_DATA,
                "recurring": RECURRING,
                "tax_behavior": Enum("exclusive", "inclusive", "unspecified"),
                "unit_amount": Int(minimum=0),
                "unit_amount_decimal": Dec(),
            }
        ),
        "quantity": Int(minimum=1, maximum=999999),
        "tax_rates": Unsupported(),
    }
)
PAYMENT_INTENT_DATA = Obj(
    {
        "application_fee_amount": Unsupported(),
        "capture_method": Enum("automatic", "automatic_async", "manual"),
        "description": Str(max_length=1000),
        "metadata": Metadata(),
        "on_behalf_of": Unsupported(),
        "receipt_email": Str(),
        "setup_future_usage": Enum("off_session", "on_session"),
        "shipping": Unsupported(),
        "statement_descriptor": Str(max_length=22),
        "statement_descriptor_suffix": Str(max_length=22),
        "transfer_data": Unsupported(),
        "transfer_group": Str(),
    }
)
_TEXT = Obj({"message": Str(max_length=1200, required=True)})
_STORED = {
    "billing_address_collection": Enum("auto", "required"),
    "custom_text": Obj(
        {name: _TEXT for name in ("after_submit", "shipping_address", "submit", "terms_of_service_acceptance")}
    ),
    "locale": Str(),
    "phone_number_collection": Obj({"enabled": Bool(required=True)}),
    "submit_type": Enum("auto", "book", "donate", "pay", "subscribe"),
}
_NOT_IMPLEMENTED = [
    "adaptive_pricing",
    "after_expiration",
    "automatic_tax",
    "branding_settings",
    "consent_collection",
    "currency",
    "custom_fields",
    "customer_account",
    "customer_update",
    "excluded_payment_method_types",
    "integration_identifier",
    "invoice_creation",
    "managed_payments",
    "name_collection",
    "optional_items",
    "origin_context",
    "payment_method_collection",
    "payment_method_configuration",
    "payment_method_data",
    "payment_method_options",
    "permissions",
    "redirect_on_completion",
    "return_url",
    "saved_payment_method_options",
    "setup_intent_data",
    "shipping_address_collection",
    "shipping_options",
    "subscription_data",
    "tax_id_collection",
    "wallet_options",
]
CREATE = {
    **{name: Unsupported() for name in _NOT_IMPLEMENTED},
    **_STORED,
    "allow_promotion_codes": Bool(),
    "cancel_url": Str(),
    "client_reference_id": Str(max_length=200),
    "customer": Str(),
    "customer_creation": Enum("always", "if_required"),
    "customer_email": Str(),
    "discounts": Arr(Obj({"coupon": Str(), "promotion_code": Str()})),
    "expires_at": Int(),
    "line_items": Arr(LINE_ITEM),
    "metadata": Metadata(),
    "mode": Enum("payment", "setup", "subscription"),
    "payment_intent_data": PAYMENT_INTENT_DATA,
    "payment_method_types": Arr(Str()),
    "success_url": Str(),
    "ui_mode": Enum("elements", "embedded_page", "form", "hosted_page"),
}
UPDATE = {
    "collected_information": Unsupported(),
    "line_items": Unsupported(),
    "metadata": Metadata(),
    "shipping_options": Unsupported(),
}
LIST = {
    **LIST_PARAMS,
    "created": Timestamps(),
    "customer": Str(),
    "customer_account": Str(),
    "customer_details": Obj({"email": Str(required=True)}),
    "payment_intent": Str(),
    "payment_link": Str(),
    "status": Enum("complete", "expired", "open"),
    "subscription": Str(),
}
