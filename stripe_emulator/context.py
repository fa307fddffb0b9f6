"""What a request handler (API, hosted page, control API or background job) works with."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from stripe_emulator.app import Emulator
    from stripe_emulator.storage import Store


class Ctx:
    """One unit of work: the emulator, the parsed parameters and who asked (for `event.request`)."""

    def __init__(
        self,
        emulator: Emulator,
        *,
        params: dict[str, Any] | None = None,
        api_key: str | None = None,
        request_id: str | None = None,
        idempotency_key: str | None = None,
    ):
        self.emulator = emulator
        self.params = params or {}
        self.api_key = api_key
        self.request_id = request_id
        self.idempotency_key = idempotency_key

    @property
    def store(self) -> Store:
        return self.emulator.store

    def now(self) -> int:
        return self.emulator.store.now()

    @property
    def base_url(self) -> str:
        return self.emulator.base_url
