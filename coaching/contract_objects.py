"""A contract as the partner API shows it: the one rendering of the Contract object (and the shapes it nests),
for the API (coaching.api, coaching.api_contracts) and its `contract.*` events (`data.object`), so a partner
parses both with one parser. Kept apart from the views so the services that emit events do not import
view modules.
"""

from __future__ import annotations

from datetime import UTC

from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from coaching.api_selectors import partner_contracts
from coaching.ledger import Ledger, contract_ledger
from coaching.models import Contract
from innerwork.core.money import format_money

UTC_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


def utc_field(**kwargs) -> serializers.DateTimeField:
    return serializers.DateTimeField(default_timezone=UTC, format=UTC_FORMAT, **kwargs)


@extend_schema_serializer(component_name="CoachingMoney")
class MoneySerializer(serializers.Serializer):
    """An amount in the currency's minor unit (cents) plus its ISO 4217 code, and how we display it."""

    amount = serializers.IntegerField(source="price_amount", help_text="Minor units (cents).")
    currency = serializers.CharField(help_text="ISO 4217, lower case.")
    display = serializers.SerializerMethodField(help_text='e.g. "$900.00".')

    def get_display(self, obj) -> str:
        return format_money(obj.price_amount, obj.currency)


@extend_schema_serializer(component_name="CoachingTerms")
class TermsSerializer(serializers.Serializer):
    """A package's terms: what a proposal offers and a contract froze when it was accepted."""

    title = serializers.CharField()
    goals = serializers.CharField()
    sessions_count = serializers.IntegerField()
    session_minutes = serializers.IntegerField()
    price = MoneySerializer(source="*", help_text="The whole package.")
    validity_weeks = serializers.IntegerField(help_text="How long the sessions can be used after payment.")
    cancel_notice_hours = serializers.IntegerField(help_text="A session cancelled with less notice uses its credit.")
    cancellation_terms = serializers.CharField(help_text="The coach's terms, in their words.")


@extend_schema_serializer(component_name="CoachRef")
class CoachRefSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField(source="user.get_full_name")


class ContractSummarySerializer(serializers.Serializer):
    number = serializers.CharField(help_text="e.g. CTR-20261204-7KQ2XD.")
    object = serializers.SerializerMethodField()
    customer = serializers.CharField(source="customer_id", help_text="Your customer's id (cus_…).")
    coach = CoachRefSerializer()
    proposal = serializers.CharField(source="proposal.number")
    status = serializers.ChoiceField(choices=Contract.Status.choices)
    terms = TermsSerializer(source="*", help_text="As accepted: later changes by the coach never apply.")
    accepted_at = utc_field()
    activated_at = utc_field(allow_null=True, help_text="When it was paid.")
    ends_at = utc_field(allow_null=True, help_text="Sessions must end by then (set on payment).")
    ended_at = utc_field(allow_null=True)

    def get_object(self, contract: Contract) -> str:
        return "contract"


@extend_schema_serializer(component_name="ContractCredits")
class CreditsSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    scheduled = serializers.IntegerField(help_text="Reserved by booked sessions.")
    used = serializers.IntegerField(help_text="Completed, no-show or cancelled late.")
    available = serializers.IntegerField(help_text="Can still be booked.")


@extend_schema_serializer(component_name="ContractLedgerEntry")
class LedgerEntrySerializer(serializers.Serializer):
    number = serializers.IntegerField(help_text="1 to the contract's sessions_count.")
    kind = serializers.ChoiceField(
        choices=["completed", "no_show", "canceled_late", "booked", "available", "expired", "canceled"]
    )
    label = serializers.CharField()
    session = serializers.IntegerField(source="session.pk", allow_null=True, help_text="The session's id.")
    start_at = utc_field(source="at", allow_null=True)
    value = serializers.IntegerField(help_text="What a used credit is worth, in minor units; 0 otherwise.")


@extend_schema_serializer(component_name="ContractLedger")
class LedgerSerializer(serializers.Serializer):
    entries = LedgerEntrySerializer(many=True, help_text="One per credit: used, booked, then unused.")
    returned = serializers.SerializerMethodField(help_text="Sessions cancelled in time (their credit came back).")

    def get_returned(self, ledger: Ledger) -> int:
        return len(ledger.returned)


@extend_schema_serializer(component_name="Contract")
class ContractSerializer(ContractSummarySerializer):
    credits = CreditsSerializer()
    ledger = LedgerSerializer()


def contract_render(contract: Contract) -> dict:
    """`contract` (a row of coaching.api_selectors.partner_contracts: it carries `customer_id`) as the API's
    Contract object, with its credits and the ledger of its credits as they are now."""
    ledger = contract_ledger(contract=contract)
    contract.credits, contract.ledger = ledger.credits, ledger
    return dict(ContractSerializer(contract).data)


def contract_object(*, contract: Contract, partner) -> dict | None:
    """The contract as `GET /contracts/{id}` answers it to `partner`; None if the partner's API did not make it.
    Read back from the database, so call it after the change is saved."""
    seen = partner_contracts(partner=partner).filter(pk=contract.pk).first()
    return contract_render(seen) if seen is not None else None
