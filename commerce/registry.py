"""What can be sold: product kinds and their handlers.

`commerce` never imports a product app. Each app that sells something
(courses, coaching, mentorship) registers a `ProductKind` handler when it
loads (`AppConfig.ready`). The pipeline asks the handler to price a line
(from our own database only), to fulfil it once paid, and to revoke it on
refund, so orders, refunds, invoices and reports work the same for all kinds.
A kind may also say whether a customer gets their money back without staff
(`refund_rule`, read by commerce.refunds.policy).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from commerce.models import OrderLine


class NotPurchasable(Exception):
    """The item cannot be bought by this person now; `message` is shown to them."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class PricedLine:
    """A line priced by its product kind, on the server, at this moment."""

    kind: str
    ref: str
    title: str
    unit_amount: int
    currency: str
    quantity: int = 1
    category: str = ""
    url: str = ""
    metadata: dict = field(default_factory=dict)

    @property
    def amount(self) -> int:
        return self.unit_amount * self.quantity


@dataclass(frozen=True)
class RefundVerdict:
    """A product kind's answer to "may the buyer have this line refunded now, without staff?".

    `reasons` are plain sentences shown to the customer: why not (or, when eligible, nothing).
    The amount is not the kind's business: the refund policy works it out from the order line.
    """

    eligible: bool
    reasons: tuple[str, ...] = ()


class ProductKind(Protocol):
    """What the pipeline asks of a product kind.

    Optional methods, looked up with getattr:
    - `access_url(*, line) -> str`: where the buyer uses what the line bought.
    - `refund_rule(*, line, now) -> RefundVerdict`: whether the buyer of the paid `line` may have it
      refunded at `now` without staff, with the reasons when not. A kind without it is never refunded
      automatically: a customer's request for its lines goes to staff.
    """

    kind: str
    label: str

    def price(self, *, ref: str, user) -> PricedLine:
        """Price one unit of `ref` for `user`, or raise NotPurchasable (unknown, unpublished, already owned)."""

    def fulfil(self, *, line: OrderLine) -> None:
        """Grant what the paid line bought. Called once per line (the pipeline keys it), inside a transaction."""

    def revoke(self, *, line: OrderLine, reason: str) -> None:
        """Take back what a refunded line granted."""


_registry: dict[str, ProductKind] = {}


def register(handler: ProductKind) -> ProductKind:
    existing = _registry.get(handler.kind)
    if existing is not None and type(existing) is not type(handler):
        raise ValueError(f"product kind {handler.kind!r} is already registered by {type(existing).__name__}")
    _registry[handler.kind] = handler
    return handler


def get_kind(kind: str) -> ProductKind:
    try:
        return _registry[kind]
    except KeyError:
        raise NotPurchasable("This item can no longer be bought.") from None


def registered_kinds() -> dict[str, ProductKind]:
    return dict(_registry)
