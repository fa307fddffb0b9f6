"""Account, customer, balance transaction, discount, event and webhook endpoint."""

from __future__ import annotations

from stripe_emulator.objects import API_VERSION, address, empty_address

ACCOUNT_NAME = "InnerWork (Stripe emulator)"


def account(*, account_id: str, created: int) -> dict:
    requirements = {
        "alternatives": [],
        "current_deadline": None,
        "currently_due": [],
        "disabled_reason": None,
        "errors": [],
        "eventually_due": [],
        "past_due": [],
        "pending_verification": [],
    }
    return {
        "id": account_id,
        "object": "account",
        "business_profile": {
            "annual_revenue": None,
            "estimated_worker_count": None,
            "mcc": "8299",
            "minority_owned_business_designation": None,
            "monthly_estimated_revenue": {"amount": 0, "currency": "usd"},
            "name": ACCOUNT_NAME,
            "product_description": "Courses, coaching and mentorship",
            "support_address": empty_address(),
            "support_email": "support@innerwork.test",
            "support_phone": None,
            "support_url": None,
            "url": None,
        },
        "business_type": "company",
        "capabilities": {"card_payments": "active", "transfers": "active"},
        "charges_enabled": True,
        "company": None,
        "controller": {"type": "account"},
        "country": "US",
        "created": created,
        "default_currency": "usd",
        "deleted": None,
        "details_submitted": True,
        "email": "owner@innerwork.test",
        "external_accounts": None,
        "future_requirements": dict(requirements),
        "groups": None,
        "individual": None,
        "metadata": {},
        "payouts_enabled": True,
        "requirements": dict(requirements),
        "settings": {
            "bacs_debit_payments": {"display_name": None, "service_user_number": None},
            "branding": {"icon": None, "logo": None, "primary_color": "#3b5bdb", "secondary_color": None},
            "card_issuing": {"tos_acceptance": {"date": None, "ip": None}},
            "card_payments": {
                "decline_on": {"avs_failure": False, "cvc_failure": True},
                "statement_descriptor_prefix": "INNERWORK",
                "statement_descriptor_prefix_kana": None,
                "statement_descriptor_prefix_kanji": None,
            },
            "dashboard": {"display_name": ACCOUNT_NAME, "timezone": "Etc/UTC"},
            "invoices": {"default_account_tax_ids": None, "hosted_payment_method_save": "offer"},
            "payments": {
                "statement_descriptor": "INNERWORK",
                "statement_descriptor_kana": None,
                "statement_descriptor_kanji": None,
                "statement_descriptor_prefix_kana": None,
                "statement_descriptor_prefix_kanji": None,
            },
            "payouts": {
                "debit_negative_balances": True,
                "schedule": {"delay_days": 2, "interval": "daily"},
                "statement_descriptor": None,
            },
            "sepa_debit_payments": {},
        },
        "tos_acceptance": {"date": created, "ip": "127.0.0.1", "user_agent": None},
        "type": "standard",
    }


def customer(
    *,
    customer_id: str,
    created: int,
    email: str | None = None,
    name: str | None = None,
    phone: str | None = None,
    description: str | None = None,
    metadata: dict | None = None,
    address_values: dict | None = None,
    preferred_locales: list | None = None,
    invoice_prefix: str,
) -> dict:
    return {
        "id": customer_id,
        "object": "customer",
        "address": address(address_values),
        "balance": 0,
        "business_name": None,
        "cash_balance": None,
        "created": created,
        "currency": None,
        "customer_account": None,
        "default_source": None,
        "deleted": None,
        "delinquent": False,
        "description": description,
        "discount": None,
        "email": email,
        "individual_name": None,
        "invoice_credit_balance": None,
        "invoice_prefix": invoice_prefix,
        "invoice_settings": {
            "custom_fields": None,
            "default_payment_method": None,
            "footer": None,
            "rendering_options": None,
        },
        "livemode": False,
        "metadata": metadata or {},
        "name": name,
        "next_invoice_sequence": 1,
        "phone": phone,
        "preferred_locales": preferred_locales or [],
        "shipping": None,
        "sources": None,
        "subscriptions": None,
        "tax": None,
        "tax_exempt": "none",
        "tax_ids": None,
        "test_clock": None,
    }


def stripe_fee(amount: int, currency: str) -> int:
    """Stripe's standard card pricing (2.9 % + 30 minor units), which test mode reports as well."""
    return (amount * 29 + 500) // 1000 + 30 if amount > 0 else 0


def balance_transaction(
    *,
    txn_id: str,
    created: int,
    amount: int,
    currency: str,
    source: str,
    kind: str,
    description: str | None,
    fee: int = 0,
) -> dict:
    fee_details = (
        [
            {
                "amount": fee,
                "application": None,
                "currency": currency,
                "description": "Stripe processing fees",
                "type": "stripe_fee",
            }
        ]
        if fee
        else []
    )
    return {
        "id": txn_id,
        "object": "balance_transaction",
        "amount": amount,
        "available_on": created + 2 * 24 * 3600,
        "balance_type": "payments",
        "created": created,
        "currency": currency,
        "description": description,
        "exchange_rate": None,
        "fee": fee,
        "fee_details": fee_details,
        "net": amount - fee,
        "reporting_category": {"refund_failure": "refund_failure"}.get(kind, kind),
        "source": source,
        "status": "pending",
        "type": kind,
    }


def discount(
    *,
    discount_id: str,
    coupon_id: str,
    promotion_code_id: str | None,
    start: int,
    checkout_session: str | None,
    customer_id: str | None,
) -> dict:
    return {
        "id": discount_id,
        "object": "discount",
        "checkout_session": checkout_session,
        "customer": customer_id,
        "customer_account": None,
        "deleted": None,
        "end": None,
        "invoice": None,
        "invoice_item": None,
        "promotion_code": promotion_code_id,
        "source": {"coupon": coupon_id, "type": "coupon"},
        "start": start,
        "subscription": None,
        "subscription_item": None,
    }


def event(
    *,
    event_id: str,
    created: int,
    type_: str,
    data_object: dict,
    previous_attributes: dict | None,
    request_id: str | None,
    idempotency_key: str | None,
    pending_webhooks: int,
) -> dict:
    data: dict = {"object": data_object}
    if previous_attributes is not None:
        data["previous_attributes"] = previous_attributes
    return {
        "id": event_id,
        "object": "event",
        "account": None,
        "api_version": API_VERSION,
        "context": None,
        "created": created,
        "data": data,
        "livemode": False,
        "pending_webhooks": pending_webhooks,
        "request": {"id": request_id, "idempotency_key": idempotency_key},
        "type": type_,
    }


def webhook_endpoint(
    *,
    endpoint_id: str,
    created: int,
    url: str,
    enabled_events: list[str],
    api_version: str | None,
    description: str | None,
    metadata: dict,
    secret: str,
) -> dict:
    return {
        "id": endpoint_id,
        "object": "webhook_endpoint",
        "api_version": api_version,
        "application": None,
        "created": created,
        "deleted": None,
        "description": description,
        "enabled_events": enabled_events,
        "livemode": False,
        "metadata": metadata,
        "secret": secret,
        "status": "enabled",
        "url": url,
    }


def deleted(object_name: str, object_id: str) -> dict:
    return {"id": object_id, "object": object_name, "deleted": True}
