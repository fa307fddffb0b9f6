"""Server-rendered pages: hosted Checkout, 3-D Secure, receipts and the `/_emulator/` dashboard.

Plain HTML forms and one local stylesheet: no JavaScript needed, nothing loaded from elsewhere.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from stripe_emulator.http import Request, Response, html_response
from stripe_emulator.pages import layout
from stripe_emulator.routing import Router

if TYPE_CHECKING:
    from stripe_emulator.app import Emulator

router = Router()


def handle(emulator: Emulator, request: Request) -> Response:
    matched = router.match(request.method, request.path)
    if matched is None:
        return html_response(layout.not_found(), status=404)
    route, args = matched
    return route.handler(emulator, request, **args)


from stripe_emulator.pages import authentication, checkout  # noqa: E402, F401 - they register their routes
