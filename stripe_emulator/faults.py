"""Injected faults: the next N requests to a path fail with a 500, a 429, or hang past the client's timeout."""

from __future__ import annotations

import fnmatch
import json
from typing import TYPE_CHECKING, Any

from stripe_emulator import errors
from stripe_emulator.errors import StripeError

if TYPE_CHECKING:
    from stripe_emulator.storage import Store

KINDS = {
    "api_error": "api_error",
    "500": "api_error",
    "rate_limit": "rate_limit",
    "429": "rate_limit",
    "timeout": "timeout",
    "hang": "timeout",
}
DEFAULT_HANG_SECONDS = 30.0


def add(store: Store, *, path: str, kind: str, count: int = 1, method: str | None = None, **options: Any) -> dict:
    """Arm a fault. `path` may be a glob (`/v1/checkout/sessions*`); `method` None matches every method."""
    if kind not in KINDS:
        raise ValueError(f"unknown fault kind {kind!r}; use one of {sorted(KINDS)}")
    if count < 1:
        raise ValueError("count must be at least 1")
    with store.tx():
        cursor = store.execute(
            "INSERT INTO faults (method, path, kind, remaining, options) VALUES (?, ?, ?, ?, ?)",
            (method.upper() if method else None, path, KINDS[kind], count, json.dumps(options)),
        )
    return {"id": cursor.lastrowid, "path": path, "method": method, "kind": KINDS[kind], "remaining": count, **options}


def all_faults(store: Store) -> list[dict]:
    rows = store.execute("SELECT * FROM faults ORDER BY seq").fetchall()
    return [
        {
            "id": row["seq"],
            "path": row["path"],
            "method": row["method"],
            "kind": row["kind"],
            "remaining": row["remaining"],
            **json.loads(row["options"]),
        }
        for row in rows
    ]


def clear(store: Store) -> None:
    with store.tx():
        store.execute("DELETE FROM faults")


def take(store: Store, method: str, path: str) -> dict | None:
    """Consume one use of the first fault armed for this request, if any."""
    with store.tx():
        for row in store.execute("SELECT * FROM faults ORDER BY seq").fetchall():
            if row["method"] not in (None, method) or not fnmatch.fnmatchcase(path, row["path"]):
                continue
            if row["remaining"] <= 1:
                store.execute("DELETE FROM faults WHERE seq = ?", (row["seq"],))
            else:
                store.execute("UPDATE faults SET remaining = remaining - 1 WHERE seq = ?", (row["seq"],))
            return {"kind": row["kind"], **json.loads(row["options"])}
    return None


def error_for(fault: dict) -> StripeError:
    """The response an api_error or rate_limit fault answers with (Stripe's bodies and headers)."""
    if fault["kind"] == "rate_limit":
        return StripeError(errors.RATE_LIMITED, status=429, code="rate_limit", headers={"Retry-After": "1"})
    headers = {}
    if fault.get("should_retry") is not None:
        headers["Stripe-Should-Retry"] = "true" if fault["should_retry"] else "false"
    return StripeError(errors.API_ERROR, type="api_error", status=500, headers=headers)
