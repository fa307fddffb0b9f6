"""Partner API keys: made, recognised and revoked here, and nowhere else.

A key looks like `iw_test_` or `iw_live_` followed by 40 random letters and digits. It is shown once,
when staff create it in admin; only its SHA-256 is stored (a 238-bit random secret needs no slow
hash: nobody can guess it, and the hash cannot be reversed). `prefix` (the mode and the first 8 random
characters) is kept in clear so staff and partners can tell keys apart.

The mode in the key is the deployment's Stripe mode (`STRIPE_LIVE_MODE`; the emulator and Stripe's
test mode are `test`). A key of the other mode is refused with its own error, so a partner cannot
point its production at a test deployment, or its tests at real money.
"""

from __future__ import annotations

import hashlib
import secrets
import string
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from innerwork.api.models import ApiKey, Partner
from innerwork.core.audit import staff_action_record

SCOPES = {
    "catalogue:read": "Read courses, mentors and their free times.",
    "customers:write": "Create, link and read the partner's customers.",
    "bookings:write": "Book, move and cancel sessions for the partner's customers.",
    "checkout:write": "Start Stripe Checkout for the partner's customers and read payment status.",
    "orders:read": "Read the orders and enrollments of the partner's customers.",
    "refunds:write": "Ask for refunds for the partner's customers.",
}
KEY_PREFIXES = {ApiKey.Mode.TEST: "iw_test_", ApiKey.Mode.LIVE: "iw_live_"}
SECRET_LENGTH = 40
VISIBLE_CHARS = 8
_ALPHABET = string.ascii_letters + string.digits
# A key's last use is written at most once per this many seconds (not on every request).
LAST_USED_RESOLUTION_SECONDS = 60

UNKNOWN_SCOPES = "Unknown scopes: {scopes}."
NO_SCOPES = "Give the key at least one scope."
ALREADY_REVOKED = "This key was already revoked."
PARTNER_SWITCHED_OFF = "This partner is switched off."


class KeyRefused(Exception):
    """Why a presented key cannot be used; `code` and `message` go into the API's error body as they are."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


INVALID = KeyRefused("api_key_invalid", "This API key is not valid. Keys look like iw_test_… or iw_live_….")
REVOKED = KeyRefused("api_key_revoked", "This API key was revoked. Ask InnerWork for a new one.")
WRONG_MODE = (
    "This is a {key_mode} key ({key_prefix}…) but this InnerWork deployment runs in {mode} mode and takes "
    "only {prefix}… keys."
)


def deployment_mode() -> str:
    """The deployment's Stripe mode: `live` with STRIPE_LIVE_MODE, else `test` (Stripe test mode or the emulator)."""
    return ApiKey.Mode.LIVE if settings.STRIPE_LIVE_MODE else ApiKey.Mode.TEST


def secret_hash(raw_key: str) -> str:
    return hashlib.sha256(raw_key.encode()).hexdigest()


@dataclass(frozen=True)
class NewKey:
    """A key just made: `raw` is the only copy of the secret, to show once and never store."""

    api_key: ApiKey
    raw: str


def api_key_create(*, partner: Partner, name: str, scopes: list[str], actor=None) -> NewKey:
    """Make a key of the deployment's mode with these scopes; audited when a member of staff made it."""
    unknown = sorted(set(scopes) - set(SCOPES))
    if unknown:
        raise ValidationError(UNKNOWN_SCOPES.format(scopes=", ".join(unknown)))
    if not scopes:
        raise ValidationError(NO_SCOPES)
    mode = deployment_mode()
    raw = KEY_PREFIXES[mode] + "".join(secrets.choice(_ALPHABET) for _ in range(SECRET_LENGTH))
    with transaction.atomic():
        api_key = ApiKey.objects.create(
            partner=partner,
            name=name,
            mode=mode,
            prefix=raw[: len(KEY_PREFIXES[mode]) + VISIBLE_CHARS],
            secret_hash=secret_hash(raw),
            scopes=[scope for scope in SCOPES if scope in scopes],
        )
        if actor is not None:
            staff_action_record(actor=actor, action="api_key.create", subject=api_key, data={"scopes": api_key.scopes})
    return NewKey(api_key=api_key, raw=raw)


def api_key_revoke(*, api_key: ApiKey, actor, reason: str = "") -> ApiKey:
    """Revoke a key for good (it is refused from the next request on); audited. Revoking twice is refused."""
    with transaction.atomic():
        locked = ApiKey.objects.select_for_update().get(pk=api_key.pk)
        if locked.is_revoked:
            raise ValidationError(ALREADY_REVOKED)
        locked.revoked_at = timezone.now()
        locked.save(update_fields=["revoked_at", "updated_at"])
        staff_action_record(actor=actor, action="api_key.revoke", subject=locked, reason=reason)
    return locked


def api_key_authenticate(*, raw: str) -> ApiKey:
    """The usable key for this secret (partner joined in), or KeyRefused saying why not.

    Checks, in order: the shape, the mode against the deployment's, that the key exists, is not revoked,
    and its partner is switched on. Notes the key's last use (at most once a minute).
    """
    mode = next((mode for mode, prefix in KEY_PREFIXES.items() if raw.startswith(prefix)), None)
    if mode is None or len(raw) != len(KEY_PREFIXES[mode]) + SECRET_LENGTH:
        raise INVALID
    expected = deployment_mode()
    if mode != expected:
        raise KeyRefused(
            "api_key_wrong_mode",
            WRONG_MODE.format(
                key_mode=mode, key_prefix=KEY_PREFIXES[mode], mode=expected, prefix=KEY_PREFIXES[expected]
            ),
        )
    api_key = ApiKey.objects.select_related("partner").filter(secret_hash=secret_hash(raw)).first()
    if api_key is None:
        raise INVALID
    if api_key.is_revoked:
        raise REVOKED
    if not api_key.partner.is_active:
        raise KeyRefused("partner_inactive", PARTNER_SWITCHED_OFF)
    _note_use(api_key)
    return api_key


def _note_use(api_key: ApiKey) -> None:
    # One conditional UPDATE per request (the same query count every time): it writes, and locks the row,
    # only when the last noted use is older than the resolution.
    now = timezone.now()
    recent = now - timedelta(seconds=LAST_USED_RESOLUTION_SECONDS)
    noted = (
        ApiKey.objects.filter(pk=api_key.pk)
        .filter(Q(last_used_at__isnull=True) | Q(last_used_at__lt=recent))
        .update(last_used_at=now)
    )
    if noted:
        api_key.last_used_at = now
