"""Reads of the partner API's coaching endpoints: the proposals of a partner's customers, the contracts it made.

A proposal is an offer addressed to the person, not a purchase: every partner whose customer the student is
sees it (and may answer it for them). A contract is a purchase: a partner sees it only when its API placed the
contract's order (accepting the proposal through the partner does), so the same person's contract accepted
through another partner or on the site is a DoesNotExist here, which the views answer 404 as if it did not
exist. Each query carries `customer_id`, the partner's own id for the student (an annotation).
"""

from __future__ import annotations

import re

from django.db.models import OuterRef, QuerySet, Subquery

from coaching.models import CONTRACT_KIND, CoachingSession, Contract, Proposal
from commerce.orders import item_made_through_partner
from innerwork.api.models import Partner, PartnerCustomer

# PRP-20261204-7KQ2XD / CTR-…: anything else (e.g. a NUL byte, which PostgreSQL refuses to compare) is no match.
NUMBER = re.compile(r"[A-Z]{3}-[0-9]{8}-[A-Z0-9]{6}")


def _customer_id(partner: Partner) -> Subquery:
    return Subquery(PartnerCustomer.objects.filter(partner=partner, user=OuterRef("student")).values("public_id")[:1])


def partner_proposals(*, partner: Partner, customer: PartnerCustomer | None = None) -> QuerySet[Proposal]:
    """The partner's customers' proposals (or one customer's), coach and contract joined in.

    `contract_is_partners` says whether the accepted proposal's contract was made through this partner:
    the contract's number is shown only then (anyone else's is not the partner's to know of).
    """
    proposals = (
        Proposal.objects.annotate(customer_id=_customer_id(partner))
        .filter(customer_id__isnull=False)
        .annotate(
            contract_is_partners=item_made_through_partner(
                partner=partner, kind=CONTRACT_KIND, ref=OuterRef("contract__pk")
            )
        )
        .select_related("coach__user", "supersedes", "contract")
    )
    return proposals.filter(student_id=customer.user_id) if customer is not None else proposals


def partner_proposal_get(*, partner: Partner, number: str) -> Proposal:
    """The proposal `number` if its student is the partner's customer; Proposal.DoesNotExist otherwise."""
    if not NUMBER.fullmatch(number):
        raise Proposal.DoesNotExist(number)
    return partner_proposals(partner=partner).get(number=number)


def partner_contracts(*, partner: Partner, customer: PartnerCustomer | None = None) -> QuerySet[Contract]:
    """The contracts `partner`'s API made (or one customer's of them), coach and proposal joined in."""
    contracts = (
        Contract.objects.annotate(customer_id=_customer_id(partner))
        .filter(customer_id__isnull=False)
        .filter(item_made_through_partner(partner=partner, kind=CONTRACT_KIND))
        .select_related("coach__user", "student", "proposal")
    )
    return contracts.filter(student_id=customer.user_id) if customer is not None else contracts


def partner_contract_get(*, partner: Partner, number: str) -> Contract:
    """The contract `number` if the partner's API made it; Contract.DoesNotExist otherwise."""
    if not NUMBER.fullmatch(number):
        raise Contract.DoesNotExist(number)
    return partner_contracts(partner=partner).get(number=number)


def contract_sessions(*, contract: Contract) -> QuerySet[CoachingSession]:
    """The contract's sessions, cancelled ones included, with their appointment."""
    return CoachingSession.objects.filter(contract=contract).select_related("appointment")
