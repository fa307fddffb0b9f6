"""What can be sold: product kinds and their handlers.

`commerce` never imports a product app. Each app that sells something (courses, coaching,
mentorship) subclasses `ProductKind` and registers an instance when it loads
(`AppConfig.ready`). The pipeline asks the handler, at fixed points and always through these
methods, to:

- price a line from our own database (`price`), knowing the order it is in when there is one;
- hold what a line needs while its payment is open and release it when the payment lapses
  (`hold` / `release`: a mentor's slot lives exactly as long as its Checkout Session);
- fulfil a paid line once, or refuse (`fulfil` raising `CannotFulfil`: that line is refunded
  automatically and the rest of the order stands);
- revoke a refunded line (`revoke`) and say what a customer gets back without staff
  (`refund_rule`: all or nothing for courses, tiers by notice for bookings, pro rata for contracts);
- say where the buyer uses what they bought (`access_url`) and how long its payment page may
  stay open (`checkout_expires_at`);
- tell the pricing page what it costs now and its refund policy in plain words (`pricing`), written
  from the same settings its `refund_rule` reads.

Every method but `price`, `fulfil` and `revoke` has a documented default, so a kind overrides
only what differs. Orders, refunds, invoices and reports therefore work the same for all kinds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from commerce.models import Order, OrderLine


class NotPurchasable(Exception):
    """The item cannot be bought by this person now; `message` is shown to them."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class CannotFulfil(Exception):
    """A paid line cannot be given to its buyer (the slot went to someone else, the seat is gone).

    Raised by `ProductKind.fulfil`. The pipeline keeps the payment on record, refunds that line in
    full through the refund pipeline, tells the customer `reason` (written for them), and still
    answers Stripe's webhook with 2xx: a refusal is an outcome, not an error to retry.
    """

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


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
    """A product kind's answer to "what does the buyer of this line get back if they ask now?".

    - `eligible`: the refund is made without staff (when False, a customer's request goes to staff).
    - `amount`: what the line is worth back at this moment, in minor units of the order's currency,
      out of what the line cost (`line.total_amount`); None means all of it. The refund policy caps it
      at what is still refundable and subtracts refunds already made, so a kind reasons about the
      whole line only. A tier of 50 % answers `line.total_amount // 2`; a used-up contract answers 0.
    - `explanation`: one sentence telling the customer how the amount was worked out
      ("Cancelled 30 hours before the session: half of the price comes back."); may be empty.
    - `reasons`: why it is not automatic (or not worth anything), each a sentence shown as it is.
    """

    eligible: bool
    reasons: tuple[str, ...] = ()
    amount: int | None = None
    explanation: str = ""


# The reason `release` is given for a paid line its kind refused (CannotFulfil), after its refund was recorded.
RELEASE_NOT_FULFILLED = "not_fulfilled"


@dataclass(frozen=True)
class PriceRange:
    """The cheapest and dearest paid item of a kind on sale now, in one currency (minor units)."""

    currency: str
    lowest: int
    highest: int


@dataclass(frozen=True)
class KindPricing:
    """What a kind tells the pricing page: what it is, what it costs now, and when money comes back.

    `ranges` holds one PriceRange per currency of its paid items (empty when none is on sale);
    `free_count` how many are on sale for nothing; `unit` what one price buys ("per session");
    `refund_policy` sentences for customers, generated from the settings its `refund_rule` uses.
    """

    kind: str
    title: str
    summary: str
    unit: str
    browse_url: str
    browse_label: str
    ranges: tuple[PriceRange, ...]
    refund_policy: tuple[str, ...]
    free_count: int = 0


# A kind without its own refund rule sends every customer request to staff, with this reason.
LINE_NEEDS_REVIEW = "Refunds for this kind of item are reviewed by our team."


class ProductKind:
    """What the pipeline asks of a product kind. Subclass it, set `kind` and `label`, override what differs.

    `line` is always a `commerce.models.OrderLine` whose `order` is loaded; every method is called
    inside the caller's transaction unless it says otherwise, so writes a kind makes commit or roll
    back with the pipeline's own.
    """

    kind: str = ""
    label: str = ""
    # False for a kind whose `fulfil` never raises CannotFulfil (nothing it grants can run out): the
    # pipeline then runs it without a savepoint of its own, two round trips fewer per line.
    may_refuse: bool = True

    def price(self, *, ref: str, user, order: Order | None = None) -> PricedLine:
        """Price one unit of `ref` for `user`, or raise NotPurchasable (unknown, unpublished, already owned, taken).

        `order` is the order being paid when the pipeline re-checks a waiting order before its
        payment page opens; what that order itself holds (its own slot) must not count against it.
        """
        raise NotImplementedError(f"{type(self).__name__} must price its items")

    def hold(self, *, line: OrderLine, until: datetime) -> None:
        """Keep what `line` needs for its buyer until `until` (UTC), or raise NotPurchasable when it is gone.

        Called when a pending order is created (until its first payment page could open), each
        time a payment page opens or replaces another (until that session expires), and when a
        lapsed order is paid again. Idempotent: holding again moves the end of the same hold.
        Default: nothing to hold (a course has no limited stock).
        """

    def release(self, *, line: OrderLine, reason: str) -> None:
        """Let go of what `hold` kept: the payment lapsed (expired, cancelled, replaced, abandoned, failed for good),
        or, with reason RELEASE_NOT_FULFILLED, the line was paid but `fulfil` refused it (it is being refunded).

        Idempotent, and harmless for a line that holds nothing. Called with the order row locked,
        inside the pipeline's transaction. Default: nothing.
        """

    def fulfil(self, *, line: OrderLine) -> None:
        """Grant what the paid line bought, or raise CannotFulfil(reason).

        Called once per line (the pipeline keys it) inside a savepoint of the fulfilment
        transaction, so a refusal rolls back whatever the kind wrote before raising (without one
        when the kind sets `may_refuse = False`: it must then never raise CannotFulfil).
        """
        raise NotImplementedError(f"{type(self).__name__} must fulfil its lines")

    def revoke(self, *, line: OrderLine, reason: str) -> None:
        """Take back what a refunded line granted. Idempotent; not called for a line never fulfilled."""
        raise NotImplementedError(f"{type(self).__name__} must revoke its lines")

    def refund_rule(self, *, line: OrderLine, now: datetime) -> RefundVerdict:
        """What the buyer of the paid `line` gets back at `now` without staff (see RefundVerdict).

        Reads only. Default: never automatic; a customer's request goes to staff for the whole line.
        """
        return RefundVerdict(eligible=False, reasons=(LINE_NEEDS_REVIEW,))

    def access_url(self, *, line: OrderLine) -> str:
        """Where the buyer uses what the line bought ("continue learning", "your session"); "" for none."""
        return ""

    def line_cover(self, *, line: OrderLine) -> dict | None:
        """The cover an order line of this kind shows (a dict as innerwork.core.covers makes), or None for
        the generated one drawn from its title and category. A cart or wishlist line carries its cover in
        its metadata ("cover") instead, so only order pages ask. Default: None."""
        return None

    def pricing(self) -> KindPricing | None:
        """What the pricing page says about this kind, read now (a fixed number of queries); None: not shown."""
        return None

    def checkout_expires_at(self, *, line: OrderLine, now: datetime) -> datetime | None:
        """When this line's payment page must close at the latest, or None for the pipeline's default.

        The pipeline takes the earliest of the order's lines and keeps it within what Stripe allows
        (at least 30 minutes, at most 24 hours, from `now`): a booking whose hold must end sooner
        than Stripe's minimum cannot be sold through Checkout and should refuse in `hold` instead.
        """
        return None


_registry: dict[str, ProductKind] = {}


def register(handler: ProductKind) -> ProductKind:
    if not isinstance(handler, ProductKind):
        raise TypeError(f"{type(handler).__name__} must subclass commerce.registry.ProductKind")
    if not handler.kind:
        raise ValueError(f"{type(handler).__name__} has no kind")
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
