"""The `contract` item of the partner checkout: pay for one of your customers' contracts, by its number."""

from __future__ import annotations

from rest_framework import serializers

from coaching.api import contract_checkout_item
from commerce.api_items import CheckoutItems, CheckoutItemType, checkout_item_type_register


class ContractItem(CheckoutItemType):
    type = "contract"
    summary = "A contract waiting for payment (its customer accepted a proposal); its customer pays."

    class InputSerializer(serializers.Serializer):
        number = serializers.CharField(max_length=24, help_text="The contract's number (CTR-…).")

    def resolve(self, *, partner, data: dict) -> CheckoutItems:
        user, kind, ref = contract_checkout_item(partner=partner, body={"type": self.type, **data})
        return CheckoutItems(user=user, items=[(kind, ref)])


checkout_item_type_register(ContractItem())
