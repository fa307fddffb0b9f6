"""The "coaching_contract" product kind: how commerce prices, fulfils, refunds and takes back a contract.

Registered in CoachingConfig.ready(). commerce never imports coaching; it reaches this handler through
commerce.registry.get_kind("coaching_contract"). A line's ref is the Contract's pk.

- price: the contract's frozen terms (never the coach's current packages); only its student can pay,
  and only while it waits for payment.
- hold / release: nothing is held (a contract's sessions are booked after payment), but a contract
  that is no longer waiting for payment refuses a new payment page.
- fulfil: activates the contract (coaching.contracts.contract_activate); a contract already paid or
  cancelled refuses (CannotFulfil), and commerce refunds that second payment in full.
- refund_rule: pro rata of the unused sessions (coaching.credits.prorata_refund).
- revoke: a refund of the payment ends an active contract as refunded, cancelling its open sessions.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import Max, Min
from django.urls import reverse

from coaching.contracts import contract_activate, contract_revoke
from coaching.credits import contract_credits, prorata_refund
from coaching.models import CONTRACT_KIND, CoachProfile, Contract, PackageOffer
from commerce.registry import (
    CannotFulfil,
    KindPricing,
    NotPurchasable,
    PricedLine,
    PriceRange,
    ProductKind,
    RefundVerdict,
)
from innerwork.core.money import format_money

__all__ = ["CONTRACT_KIND", "CoachingContractKind"]

CONTRACT_UNKNOWN = "This coaching contract does not exist."
CONTRACT_NOT_PAYABLE = "This coaching contract is {status} and can't be paid."
ALREADY_PAID = "This coaching contract was already paid, so this second payment is not needed."
REFUND_NOT_ACTIVE = "Only an active contract is refunded under the policy."
REFUND_PRORATA = "{used} of {sessions} sessions used: the {unused} unused come back, {amount} of the {paid} paid."
REFUND_ALL_USED = "All {sessions} sessions were used, so nothing comes back under the policy."


# The refund policy in plain words on the pricing page: what refund_rule computes (coaching.credits.prorata_refund).
POLICY_PRORATA = (
    "End an active package early and the sessions you have not used come back: you are refunded the price "
    "less the value of the sessions already held."
)
POLICY_PRORATA_USED = "Once every session of a package has been used, nothing more comes back."
PRICING_PACKAGES_SUMMARY = (
    "Tell a coach what you want to work on; they propose a package (a number of sessions over some weeks) at a "
    "price for you. You pay the whole package once, when you accept it; the prices shown are coaches' examples."
)


class CoachingContractKind(ProductKind):
    kind = CONTRACT_KIND
    label = "Coaching package"

    def _contract(self, ref: str, *, lock: bool = False) -> Contract:
        if not str(ref).isdigit():
            raise NotPurchasable(CONTRACT_UNKNOWN)
        contracts = Contract.objects.select_related("coach__user", "student", "proposal__inquiry")
        contract = (contracts.select_for_update(of=("self",)) if lock else contracts).filter(pk=int(ref)).first()
        if contract is None:
            raise NotPurchasable(CONTRACT_UNKNOWN)
        return contract

    def _refuse_unless_payable(self, contract: Contract) -> None:
        if contract.status != Contract.Status.PENDING_PAYMENT:
            raise NotPurchasable(CONTRACT_NOT_PAYABLE.format(status=contract.get_status_display().lower()))

    def price(self, *, ref: str, user, order=None) -> PricedLine:
        """The contract's frozen price; NotPurchasable for anyone but its student, or once it no longer waits."""
        contract = self._contract(ref)
        if user is not None and getattr(user, "is_authenticated", False) and user.pk != contract.student_id:
            raise NotPurchasable(CONTRACT_UNKNOWN)
        self._refuse_unless_payable(contract)
        return PricedLine(
            kind=self.kind,
            ref=str(contract.pk),
            title=f"{contract.title}: {contract.sessions_count} × {contract.session_minutes} min with {contract.coach}",
            unit_amount=contract.price_amount,
            currency=contract.currency,
            category="coaching",
            metadata={"coach": str(contract.coach), "contract": contract.number},
        )

    def hold(self, *, line, until: datetime) -> None:
        """Nothing to hold; a payment page is refused for a contract that no longer waits for payment."""
        self._refuse_unless_payable(self._contract(line.ref))

    def fulfil(self, *, line) -> None:
        """Activate the contract, once; refuse a payment for a contract already paid or cancelled."""
        contract = self._contract(line.ref, lock=True)
        if contract.status == Contract.Status.ACTIVE:
            raise CannotFulfil(ALREADY_PAID)
        if contract.status != Contract.Status.PENDING_PAYMENT:
            raise CannotFulfil(CONTRACT_NOT_PAYABLE.format(status=contract.get_status_display().lower()))
        contract_activate(contract=contract, order=line.order)

    def revoke(self, *, line, reason: str) -> None:
        """A refund of the payment (staff, Stripe's dashboard, a cancellation) ends an active contract as refunded."""
        contract_revoke(contract=self._contract(line.ref), reason=reason)

    def pricing(self) -> KindPricing:
        """Approved coaches' example packages, cheapest and dearest per currency (one query)."""
        rows = (
            PackageOffer.objects.filter(coach__status=CoachProfile.Status.APPROVED)
            .order_by()
            .values("currency")
            .annotate(lowest=Min("price_amount"), highest=Max("price_amount"))
            .order_by("currency")
        )
        return KindPricing(
            kind=self.kind,
            title="Coaching packages",
            summary=PRICING_PACKAGES_SUMMARY,
            unit="per package",
            browse_url=reverse("coaching:coach_list"),
            browse_label="Find a coach",
            ranges=tuple(
                PriceRange(currency=row["currency"], lowest=row["lowest"], highest=row["highest"]) for row in rows
            ),
            refund_policy=(POLICY_PRORATA, POLICY_PRORATA_USED),
        )

    def refund_rule(self, *, line, now: datetime) -> RefundVerdict:
        """Pro rata: what was paid for the line less the value of the sessions used (largest remainder).

        Refunds already made are not subtracted here: commerce's policy subtracts what earlier refunds
        took from the line (RefundVerdict.amount is out of the whole line).
        """
        contract = self._contract(line.ref)
        if contract.status != Contract.Status.ACTIVE:
            return RefundVerdict(eligible=False, reasons=(REFUND_NOT_ACTIVE,))
        used = contract_credits(contract=contract).used
        sessions = contract.sessions_count
        amount = prorata_refund(paid=line.total_amount, sessions=sessions, used=used)
        if amount == 0:
            return RefundVerdict(eligible=True, amount=0, explanation=REFUND_ALL_USED.format(sessions=sessions))
        currency = line.order.currency
        explanation = REFUND_PRORATA.format(
            used=used,
            sessions=sessions,
            unused=sessions - used,
            amount=format_money(amount, currency),
            paid=format_money(line.total_amount, currency),
        )
        return RefundVerdict(eligible=True, amount=amount, explanation=explanation)

    def access_url(self, *, line) -> str:
        """The contract's page (its sessions and what is left)."""
        contract = Contract.objects.filter(pk=int(line.ref)).only("number").first() if line.ref.isdigit() else None
        return reverse("coaching:contract_detail", kwargs={"number": contract.number}) if contract else ""
