"""The Dispute object: a cardholder's bank taking a payment back (`charge.dispute.*`)."""

from __future__ import annotations

EVIDENCE_FIELDS = (
    "access_activity_log",
    "billing_address",
    "cancellation_policy",
    "cancellation_policy_disclosure",
    "cancellation_rebuttal",
    "customer_communication",
    "customer_email_address",
    "customer_name",
    "customer_purchase_ip",
    "customer_signature",
    "duplicate_charge_documentation",
    "duplicate_charge_explanation",
    "duplicate_charge_id",
    "product_description",
    "receipt",
    "refund_policy",
    "refund_policy_disclosure",
    "refund_refusal_explanation",
    "service_date",
    "service_documentation",
    "shipping_address",
    "shipping_carrier",
    "shipping_date",
    "shipping_documentation",
    "shipping_tracking_number",
    "uncategorized_file",
    "uncategorized_text",
)

# The card network's reason code for each dispute reason the emulator opens (Visa's codes).
VISA_REASON_CODES = {"fraudulent": "10.4", "product_not_received": "13.1", "general": "13.7"}


def dispute(
    *, dispute_id: str, created: int, charge: dict, reason: str, due_by: int, balance_transactions: list[dict]
) -> dict:
    card = charge["payment_method_details"]["card"]
    return {
        "id": dispute_id,
        "object": "dispute",
        "amount": charge["amount"],
        "balance_transactions": balance_transactions,
        "charge": charge["id"],
        "created": created,
        "currency": charge["currency"],
        "enhanced_eligibility_types": [],
        "evidence": {**dict.fromkeys(EVIDENCE_FIELDS), "enhanced_evidence": {}},
        "evidence_details": {
            "due_by": due_by,
            "enhanced_eligibility": {},
            "has_evidence": False,
            "past_due": False,
            "submission_count": 0,
        },
        # A chargeback (not an inquiry): the money is already taken back, so the charge cannot be refunded.
        "is_charge_refundable": False,
        "livemode": False,
        "metadata": {},
        "network_reason_code": VISA_REASON_CODES.get(reason),
        "payment_intent": charge["payment_intent"],
        "payment_method_details": {
            "card": {
                "brand": card["brand"],
                "case_type": "chargeback",
                "network": card["network"],
                "network_reason_code": VISA_REASON_CODES.get(reason),
            },
            "type": "card",
        },
        "reason": reason,
        "status": "needs_response",
    }
