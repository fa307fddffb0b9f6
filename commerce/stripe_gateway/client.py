"""How every Stripe call is made: one configured client, idempotency keys, and Stripe's errors in our words.

The client reads its configuration when it is used, not when it is imported: the API key
from dj-stripe's settings (live or test), the address from `stripe.api_base` (which dj-stripe
sets from STRIPE_API_HOST, so our calls and dj-stripe's syncs always reach the same Stripe),
and the timeout and network retries from STRIPE_TIMEOUT_SECONDS / STRIPE_MAX_NETWORK_RETRIES.
stripe-python retries a failed POST with the same Idempotency-Key, so a retry never doubles a write.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from functools import lru_cache
from typing import Any, TypeVar

import stripe
from django.conf import settings
from django.db import transaction
from djstripe.settings import djstripe_settings

from commerce.exceptions import CommerceError, PaymentDeclined, PaymentProviderError

logger = logging.getLogger(__name__)

PROVIDER_UNAVAILABLE = (
    "We couldn't reach our payment provider just now. Nothing was charged — please try again in a moment."
)
PROVIDER_REFUSED = "Our payment provider refused this request. Please try again, or contact us if it keeps happening."

T = TypeVar("T")

KEY_IN_USE = "idempotency_key_in_use"
KEY_IN_USE_PAUSES = (0.2, 0.4, 0.8, 1.6)


class ProviderRequestRefused(PaymentProviderError):
    """Stripe refused the request itself (HTTP 400/404): retrying it unchanged will not help.

    `code` is Stripe's error code (`resource_missing`, `resource_already_exists`...) and `param`
    the parameter it blames (`customer`, `line_items[0][price]`), so callers can recognise the
    few refusals they know how to handle.
    """

    def __init__(self, message: str, *, code: str = "", stripe_message: str = "", param: str = ""):
        super().__init__(message)
        self.code = code or ""
        self.stripe_message = stripe_message or ""
        self.param = param or ""


class IdempotencyConflict(PaymentProviderError):
    """An idempotency key was reused with other parameters: the caller must start a new attempt."""


@lru_cache(maxsize=8)
def _client(api_key: str, api_base: str, version: str, timeout: float, retries: int) -> stripe.StripeClient:
    return stripe.StripeClient(
        api_key,
        stripe_version=version,
        base_addresses={"api": api_base},
        max_network_retries=retries,
        http_client=stripe.RequestsClient(timeout=timeout),
    )


def client() -> stripe.StripeClient:
    """The client for the current settings (cached per configuration)."""
    return _client(
        djstripe_settings.STRIPE_SECRET_KEY,
        stripe.api_base,
        djstripe_settings.STRIPE_API_VERSION,
        float(settings.STRIPE_TIMEOUT_SECONDS),
        int(settings.STRIPE_MAX_NETWORK_RETRIES),
    )


def api_key() -> str:
    return djstripe_settings.STRIPE_SECRET_KEY


def call(operation: Callable[..., T], *args: str, params: dict[str, Any] | None = None, idempotency_key: str = "") -> T:
    """Run one Stripe API call, mapping every Stripe error to a commerce exception.

    Card errors become PaymentDeclined (the customer's message); network failures, timeouts,
    429 and 5xx become PaymentProviderError (retrying is safe); a reused idempotency key with
    other parameters becomes IdempotencyConflict; any other refusal ProviderRequestRefused.
    A key still in use by a concurrent request is waited for (KEY_IN_USE_PAUSES), then retried.
    """
    options = {"idempotency_key": idempotency_key} if idempotency_key else {}
    pauses = iter(KEY_IN_USE_PAUSES)
    while True:
        try:
            return operation(*args, params=params or {}, options=options)
        except stripe.StripeError as exc:
            pause = next(pauses, None) if _error_code(exc) == KEY_IN_USE else None
            if pause is None:
                raise _mapped(exc, idempotency_key) from exc
            # A concurrent request with the same key (a double click) is still running at Stripe:
            # wait for it, as Stripe advises, and get its stored answer rather than making another.
            time.sleep(pause)


def _error_code(exc: stripe.StripeError) -> str:
    """Stripe's error code; stripe-python leaves it in the body for some statuses (409 key in use)."""
    body = exc.json_body if isinstance(exc.json_body, dict) else {}
    return getattr(exc, "code", None) or (body.get("error") or {}).get("code") or ""


def _mapped(exc: stripe.StripeError, idempotency_key: str) -> CommerceError:
    """Stripe's error as the commerce exception callers handle (see `call`)."""
    code = _error_code(exc)
    if isinstance(exc, stripe.CardError):
        return PaymentDeclined(exc.user_message or str(exc))
    if isinstance(exc, stripe.IdempotencyError) and code != KEY_IN_USE:
        logger.warning("Stripe idempotency conflict for key %s: %s", idempotency_key, exc)
        return IdempotencyConflict(PROVIDER_UNAVAILABLE)
    if isinstance(exc, stripe.IdempotencyError | stripe.APIConnectionError | stripe.RateLimitError | stripe.APIError):
        # Busy with the same key, unreachable, throttled or failing: retrying later with the same key is safe.
        logger.warning("Stripe unavailable (%s): %s", type(exc).__name__, exc)
        return PaymentProviderError(PROVIDER_UNAVAILABLE)
    if isinstance(exc, stripe.InvalidRequestError):
        if code not in ("resource_missing", "resource_already_exists"):
            logger.error("Stripe refused a request (%s): %s", code, exc)
        return ProviderRequestRefused(
            PROVIDER_REFUSED, code=code, stripe_message=exc.user_message or "", param=getattr(exc, "param", "") or ""
        )
    logger.error("Stripe error (%s): %s", type(exc).__name__, exc)  # authentication, permission: configuration
    return PaymentProviderError(PROVIDER_UNAVAILABLE)


def as_dict(stripe_object: Any) -> dict:
    """A plain dict of a Stripe object, as a webhook's JSON carries it (what dj-stripe's sync expects).

    `for_json` keeps decimal fields as strings, as Stripe sends them, so dj-stripe can store them.
    """
    if stripe_object is None:
        return {}
    if isinstance(stripe_object, dict):
        return stripe_object
    return stripe_object.to_dict(for_json=True)


def mirror_after_commit(model, data: dict) -> None:
    """`mirror` on a worker once the caller's transaction commits: the request does not wait for dj-stripe.

    For objects the request itself never reads back from dj-stripe (a session it just opened, a
    Customer it just made): the webhook for the object syncs it again anyway.
    """
    from commerce.stripe_gateway.tasks import mirror_stripe_object

    label = model._meta.label
    # The message names the object, not its whole body: Celery would otherwise build a (truncated) repr of
    # the body for its logs on every publish, in the request.
    summary = f"({label!r}, {data.get('id', '')!r})"
    transaction.on_commit(lambda: mirror_stripe_object.apply_async((label, data), argsrepr=summary))


def mirror(model, data: dict) -> None:
    """Copy a Stripe object into dj-stripe's table, best effort.

    The mirror is for staff and reports; our own rows carry what the payment flow needs,
    and the webhook syncs the same object again. So a failed sync is logged, never raised,
    and runs in a savepoint so a database error inside dj-stripe cannot spoil the caller's
    transaction.
    """
    try:
        with transaction.atomic():
            model.sync_from_stripe_data(data, api_key=api_key())
    except Exception:  # the payment flow must not depend on the mirror
        logger.exception("dj-stripe could not mirror %s %s", model.__name__, data.get("id"))
