"""The control API for tests (`/_emulator/...`, JSON in and out, no key) and the dashboard's buttons.

Everything here reaches a failure Stripe can produce but a test cannot otherwise provoke: time passing,
API outages, misbehaving webhook delivery, refunds the bank returns. See README.md for every endpoint.
"""

from __future__ import annotations

import json
import time
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

from stripe_emulator import faults, payflow, webhooks
from stripe_emulator.api import disputes, refunds
from stripe_emulator.context import Ctx
from stripe_emulator.errors import StripeError
from stripe_emulator.http import Request, Response, json_response, redirect
from stripe_emulator.routing import Router
from stripe_emulator.wire import on_the_wire

if TYPE_CHECKING:
    from stripe_emulator.app import Emulator

router = Router()
MODE_KEYS = set(webhooks.DEFAULT_MODE)


class ControlError(Exception):
    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


def _body(request: Request) -> dict[str, Any]:
    if not request.body:
        return {}
    if (request.header("content-type") or "").startswith("application/x-www-form-urlencoded"):
        return {key: values[-1] for key, values in parse_qs(request.text).items()}
    try:
        data = json.loads(request.text)
    except ValueError:
        raise ControlError("The body must be JSON.") from None
    if not isinstance(data, dict):
        raise ControlError("The body must be a JSON object.")
    return data


def handle(emulator: Emulator, request: Request) -> Response:
    from stripe_emulator.pages import dashboard

    if request.method == "GET" and request.path in ("/_emulator", "/_emulator/"):
        return dashboard.render(emulator)
    matched = router.match(request.method, request.path.rstrip("/"))
    if matched is None:
        return json_response({"error": {"message": f"No control endpoint {request.method} {request.path}"}}, 404)
    route, args = matched
    try:
        body = _body(request)
        result = route.handler(emulator, body, request, **args)
    except ControlError as error:
        return json_response({"error": {"message": str(error)}}, error.status)
    except StripeError as error:
        return json_response(error.body(), error.status)
    if isinstance(result, Response):
        return result
    if (request.header("content-type") or "").startswith("application/x-www-form-urlencoded"):
        return redirect("/_emulator/")  # a dashboard button: back to the dashboard
    return json_response(on_the_wire(result))


def _load(emulator: Emulator, type_: str, object_id: str) -> dict:
    found = emulator.store.get(type_, object_id)
    if found is None:
        raise ControlError(f"No such {type_}: {object_id}", 404)
    return found


@router.get("/_emulator/state")
def state(emulator: Emulator, body: dict, request: Request) -> dict:
    counts = {
        row["type"]: row["n"]
        for row in emulator.store.execute("SELECT type, COUNT(*) AS n FROM objects GROUP BY type").fetchall()
    }
    return {
        "url": emulator.url,
        "now": emulator.store.now(),
        "clock_offset": emulator.store.now_float() - time.time(),
        "webhook_mode": webhooks.get_mode(emulator.store),
        "faults": faults.all_faults(emulator.store),
        "counts": counts,
        "webhook_retry_scale": emulator.config.webhook_retry_scale,
    }


@router.post("/_emulator/reset")
def reset(emulator: Emulator, body: dict, request: Request) -> dict:
    emulator.store.reset()
    return {"reset": True}


@router.get("/_emulator/clock")
def clock(emulator: Emulator, body: dict, request: Request) -> dict:
    return {"now": emulator.store.now(), "offset": emulator.store.now_float() - time.time()}


@router.post("/_emulator/clock/advance")
def clock_advance(emulator: Emulator, body: dict, request: Request) -> dict:
    """Move the clock forward; sessions past `expires_at` expire and due retries and tasks run at once."""
    try:
        seconds = float(body.get("seconds", 0))
    except (TypeError, ValueError):
        raise ControlError("`seconds` must be a number.") from None
    if seconds < 0:
        raise ControlError("The clock only moves forward.")
    emulator.store.advance_clock(seconds)
    emulator.run_due_work()
    emulator.wake_dispatcher()
    return {"now": emulator.store.now(), "offset": emulator.store.now_float() - time.time()}


@router.post("/_emulator/faults")
def fault_add(emulator: Emulator, body: dict, request: Request) -> dict:
    if not body.get("path") or not body.get("kind"):
        raise ControlError("`path` and `kind` are required.")
    options = {key: body[key] for key in ("seconds", "process", "should_retry") if key in body}
    try:
        return faults.add(
            emulator.store,
            path=body["path"],
            kind=str(body["kind"]),
            count=int(body.get("count", 1)),
            method=body.get("method"),
            **options,
        )
    except ValueError as error:
        raise ControlError(str(error)) from None


@router.get("/_emulator/faults")
def fault_list(emulator: Emulator, body: dict, request: Request) -> dict:
    return {"data": faults.all_faults(emulator.store)}


@router.delete("/_emulator/faults")
def fault_clear(emulator: Emulator, body: dict, request: Request) -> dict:
    faults.clear(emulator.store)
    return {"cleared": True}


@router.get("/_emulator/webhooks/mode")
def mode_get(emulator: Emulator, body: dict, request: Request) -> dict:
    return webhooks.get_mode(emulator.store)


@router.post("/_emulator/webhooks/mode")
def mode_set(emulator: Emulator, body: dict, request: Request) -> dict:
    unknown = set(body) - MODE_KEYS
    if unknown:
        raise ControlError(f"Unknown webhook mode keys: {sorted(unknown)}; known: {sorted(MODE_KEYS)}")
    if "order" in body and body["order"] not in ("fifo", "reverse", "shuffle"):
        raise ControlError("`order` is one of fifo, reverse, shuffle.")
    for key in ("duplicate", "concurrency"):
        if key in body and (not isinstance(body[key], int) or body[key] < 1):
            raise ControlError(f"`{key}` must be a positive integer.")
    mode = webhooks.set_mode(emulator.store, body)
    emulator.wake_dispatcher()
    return mode


@router.post("/_emulator/webhooks/pause")
def pause(emulator: Emulator, body: dict, request: Request) -> dict:
    return webhooks.set_mode(emulator.store, {"paused": True})


@router.post("/_emulator/webhooks/resume")
def resume(emulator: Emulator, body: dict, request: Request) -> dict:
    mode = webhooks.set_mode(emulator.store, {"paused": False})
    emulator.wake_dispatcher()
    return mode


@router.get("/_emulator/webhooks/deliveries")
def delivery_log(emulator: Emulator, body: dict, request: Request) -> dict:
    query = {key: values[-1] for key, values in parse_qs(request.query).items()}
    return {
        "data": webhooks.deliveries(emulator.store, event_id=query.get("event_id"), limit=int(query.get("limit", 200)))
    }


@router.get("/_emulator/webhooks/idle")
def idle(emulator: Emulator, body: dict, request: Request) -> dict:
    """Wait (up to `?timeout=` seconds) until no delivery is in flight or due; tests call it before asserting."""
    query = {key: values[-1] for key, values in parse_qs(request.query).items()}
    deadline = time.monotonic() + float(query.get("timeout", 10))
    while not emulator.dispatcher.idle():
        if time.monotonic() > deadline:
            return {"idle": False}
        time.sleep(0.02)
    return {"idle": True}


@router.post("/_emulator/events/{event_id}/resend")
def resend(emulator: Emulator, body: dict, request: Request, event_id: str) -> dict:
    _load(emulator, "event", event_id)
    with emulator.store.tx():
        count = webhooks.resend(Ctx(emulator), event_id, body.get("endpoint") or None)
    return {"deliveries": count}


@router.get("/_emulator/webhook_endpoints/{endpoint_id}/secret")
def endpoint_secret(emulator: Emulator, body: dict, request: Request, endpoint_id: str) -> dict:
    _load(emulator, "webhook_endpoint", endpoint_id)
    return {"secret": emulator.store.internal("webhook_endpoint", endpoint_id)["secret"]}


@router.post("/_emulator/refunds/{refund_id}/fail")
def refund_fail(emulator: Emulator, body: dict, request: Request, refund_id: str) -> dict:
    """Fail a refund as the bank would; with `after_seconds`, later (emulator clock), asynchronously."""
    reason = body.get("failure_reason") or refunds.DEFAULT_FAILURE_REASON
    if reason not in refunds.FAILURE_REASONS:
        raise ControlError(f"`failure_reason` is one of {', '.join(refunds.FAILURE_REASONS)}.")
    store = emulator.store
    with store.tx():
        refund = _load(emulator, "refund", refund_id)
        after = float(body.get("after_seconds", 0))
        if after > 0:
            store.schedule("refund_fail", {"refund": refund_id, "reason": reason}, due_at=store.now_float() + after)
            return {"scheduled": True, "refund": refund}
        return refunds.refund_fail(Ctx(emulator), refund, reason=reason)


@router.post("/_emulator/charges/{charge_id}/refund")
def dashboard_refund(emulator: Emulator, body: dict, request: Request, charge_id: str) -> dict:
    """Refund from "the Stripe dashboard": the same refund and events as the API, made outside the product."""
    params: dict[str, Any] = {"charge": charge_id}
    if body.get("amount") not in (None, ""):
        params["amount"] = int(body["amount"])
    if body.get("reason"):
        params["reason"] = body["reason"]
    with emulator.store.tx():
        _load(emulator, "charge", charge_id)
        return refunds.create(Ctx(emulator, params=params))


@router.post("/_emulator/charges/{charge_id}/dispute")
def dispute_open(emulator: Emulator, body: dict, request: Request, charge_id: str) -> dict:
    """The cardholder's bank disputes a paid charge (what card 4000 0000 0000 0259 does by itself)."""
    reason = body.get("reason") or "fraudulent"
    if reason not in disputes.REASONS:
        raise ControlError(f"`reason` is one of {', '.join(disputes.REASONS)}.")
    with emulator.store.tx():
        charge = _load(emulator, "charge", charge_id)
        return disputes.open_dispute(Ctx(emulator), charge, reason=reason)


@router.post("/_emulator/disputes/{dispute_id}/status")
def dispute_move(emulator: Emulator, body: dict, request: Request, dispute_id: str) -> dict:
    """The bank's next step on a dispute: `{"status": "under_review"}`, then `"won"` or `"lost"`."""
    if body.get("status") not in ("under_review", "won", "lost"):
        raise ControlError("`status` is one of under_review, won, lost.")
    with emulator.store.tx():
        dispute = _load(emulator, "dispute", dispute_id)
        return disputes.move(Ctx(emulator), dispute, body["status"])


@router.post("/_emulator/checkout/sessions/{session_id}/pay")
def pay(emulator: Emulator, body: dict, request: Request, session_id: str) -> dict:
    """Pay a session as a customer on the hosted page would (same code path as the form)."""
    store = emulator.store
    with store.tx():
        ctx = Ctx(emulator)
        session = _load(emulator, "checkout.session", session_id)
        if body.get("promotion_code"):
            message = payflow.apply_code(ctx, session, body["promotion_code"])
            if message:
                return {
                    "status": "invalid",
                    "message": message,
                    "field_errors": {"promotion_code": message},
                    "session": session,
                }
        buyer = payflow.Buyer(
            email=body.get("email"),
            name=body.get("name", "Jenny Rosen"),
            country=body.get("country", "US"),
            postal_code=body.get("postal_code"),
        )
        result = payflow.pay(
            ctx,
            session,
            buyer=buyer,
            number=str(body.get("card", "4242424242424242")),
            expiry=str(body.get("exp", "12/34")),
            cvc=str(body.get("cvc", "123" if not str(body.get("card", "")).startswith(("34", "37")) else "1234")),
        )
    return {
        "status": result.status,
        "message": result.message,
        "field_errors": result.field_errors,
        "redirect": result.redirect,
        "error": result.error,
        "session": result.session,
    }


@router.post("/_emulator/payment_intents/{intent_id}/authenticate")
def authenticate(emulator: Emulator, body: dict, request: Request, intent_id: str) -> dict:
    """Answer a pending 3-D Secure challenge: `{"approve": true}` completes, false fails it."""
    with emulator.store.tx():
        intent = _load(emulator, "payment_intent", intent_id)
        if intent["status"] != "requires_action":
            raise ControlError(f"{intent_id} is not waiting for authentication (status {intent['status']}).")
        result = payflow.authenticate(Ctx(emulator), intent, approve=bool(body.get("approve", True)))
    return {"status": result.status, "message": result.message, "redirect": result.redirect, "session": result.session}
