"""What can go wrong on the way to a payment, in words a customer can read.

Every exception carries `message`, which views show as it is. The texts are
module constants in the module that raises them (coupons.py, cart.py) so tests
can assert them exactly.
"""

from commerce.registry import NotPurchasable

__all__ = [
    "CartError",
    "CheckoutError",
    "CommerceError",
    "CouponError",
    "NotPurchasable",
    "PaymentDeclined",
    "PaymentProviderError",
    "RefundError",
]


class CommerceError(Exception):
    """Base class: a refusal with a message meant for the customer."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class CartError(CommerceError):
    """The cart refuses a change (duplicate item, mixed currencies, unknown line)."""


class CouponError(CommerceError):
    """A coupon code cannot be applied or reserved; `message` names the rule that failed."""


class CheckoutError(CommerceError):
    """An order cannot be paid as it stands (already closed, an item no longer for sale)."""


class PaymentProviderError(CommerceError):
    """The payment provider failed or timed out; retrying the same request is safe."""


class PaymentDeclined(CommerceError):
    """The customer's payment was refused; the order stays payable."""


class RefundError(CommerceError):
    """A refund cannot be made as asked (order not paid, amount over what is left, a line of another order,
    Stripe unreachable or refusing); `message` says which, for the member of staff or the customer."""
