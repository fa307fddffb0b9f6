"""The local Stripe emulator's control API: how demo data pays a Checkout Session as a customer would.

Real Stripe takes a card only on its hosted page, typed by a person; the emulator offers the same payment
through `POST /_emulator/checkout/sessions/<id>/pay` (the code path of its hosted form). These calls go to
settings.STRIPE_API_HOST and nowhere else: with real Stripe that setting is empty, so there is no address
to call, and a server that is not the emulator does not answer `/_emulator/` (see `emulator_url`).
The product never imports `stripe_emulator`; this speaks its HTTP API like any client.
"""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request
from dataclasses import dataclass

import stripe
from django.conf import settings
from djstripe.settings import djstripe_settings

from commerce.exceptions import PaymentProviderError

logger = logging.getLogger(__name__)

EMULATOR_TIMEOUT_SECONDS = 10
# Local addresses only: a proxy from the environment must not see (or swallow) these calls.
_NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class EmulatorUnavailable(PaymentProviderError):
    """The Stripe API is not the local emulator (real Stripe, live mode), or the emulator does not answer."""


@dataclass(frozen=True)
class EmulatorPayment:
    """What the hosted page would have shown: `status` succeeded, declined, requires_action, invalid or closed."""

    status: str
    message: str

    @property
    def succeeded(self) -> bool:
        return self.status == "succeeded"


def emulator_url() -> str:
    """The emulator's address, or "" when the Stripe API may be real Stripe.

    That is: no STRIPE_API_HOST, live mode on, or stripe-python (which opens the Checkout Sessions)
    pointed somewhere else than STRIPE_API_HOST.
    """
    host = (getattr(settings, "STRIPE_API_HOST", "") or "").rstrip("/")
    if not host or djstripe_settings.STRIPE_LIVE_MODE or stripe.api_base.rstrip("/") != host:
        return ""
    return host


def _control(method: str, path: str, body: dict | None = None) -> dict:
    url = emulator_url()
    if not url:
        raise EmulatorUnavailable("The Stripe API is real Stripe (STRIPE_API_HOST is empty or live mode is on).")
    request = urllib.request.Request(  # noqa: S310 - STRIPE_API_HOST, an http(s) URL from settings
        url + path,
        data=json.dumps(body).encode() if body is not None else None,
        method=method,
        headers={"Content-Type": "application/json"},
    )
    try:
        with _NO_PROXY.open(request, timeout=EMULATOR_TIMEOUT_SECONDS) as response:
            return json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        try:
            payload = json.loads(error.read() or b"{}")
        except ValueError:
            payload = {}
        message = (payload.get("error") or {}).get("message") or str(error)
        raise EmulatorUnavailable(f"The Stripe emulator at {url} refused {path}: {message}") from None
    except (OSError, ValueError) as error:  # refused, timed out, not JSON: not the emulator, or not running
        raise EmulatorUnavailable(f"The Stripe emulator at {url} did not answer ({error}).") from None


def emulator_answering() -> bool:
    """True when STRIPE_API_HOST is the emulator and it answers its control API now (one quick request)."""
    try:
        return "now" in _control("GET", "/_emulator/clock")
    except EmulatorUnavailable:
        return False


def emulator_pay_checkout_session(*, session_id: str, card: str, email: str, name: str) -> EmulatorPayment:
    """Pay an open Checkout Session with a test `card`, as a customer on the hosted page would.

    The emulator then records the payment (and sends its webhooks) exactly as after the form.
    Raises EmulatorUnavailable with real Stripe or when the emulator does not answer.
    """
    answer = _control(
        "POST",
        f"/_emulator/checkout/sessions/{session_id}/pay",
        {"card": card.replace(" ", ""), "email": email, "name": name},
    )
    return EmulatorPayment(status=str(answer.get("status", "")), message=str(answer.get("message") or ""))
