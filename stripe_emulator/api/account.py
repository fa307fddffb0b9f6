"""`GET /v1/account`: the account the secret key belongs to (dj-stripe reads it to know its owner)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from stripe_emulator import errors
from stripe_emulator.api import router
from stripe_emulator.ids import new_id
from stripe_emulator.objects import core

if TYPE_CHECKING:
    from stripe_emulator.context import Ctx


def current_account(ctx: Ctx) -> dict:
    """The emulator's single account; its id is kept across resets so mirrors of it stay valid."""
    store = ctx.store
    identity = store.kv_get("account")
    if identity is None:
        with store.tx():
            identity = {"id": new_id("acct"), "created": ctx.now()}
            store.kv_set("account", identity)
    return core.account(account_id=identity["id"], created=identity["created"])


@router.get("/v1/account")
def retrieve_own(ctx: Ctx) -> dict:
    return current_account(ctx)


@router.get("/v1/accounts/{account_id}")
def retrieve(ctx: Ctx, account_id: str) -> dict:
    account = current_account(ctx)
    if account_id != account["id"]:
        raise errors.no_such("account", account_id)
    return account
