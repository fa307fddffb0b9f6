"""Commerce's staff console in Django admin, one module per area (imported here so admin autodiscovery finds them)."""

from commerce.admin import (
    coupons,  # noqa: F401
    orders,  # noqa: F401
    reconciliation,  # noqa: F401
    refund_requests,  # noqa: F401
)
from commerce.disputes import admin as disputes  # noqa: F401
