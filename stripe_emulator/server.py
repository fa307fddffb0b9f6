"""The HTTP server: `/v1/...` (Stripe's API), `/c/...` (hosted pages), `/_emulator/...` (dashboard, control).

An API request goes through Stripe's gates in Stripe's order: authentication, route, idempotency key in use,
injected fault, parameters, idempotent replay; then the handler runs inside one store transaction, so the
response and every change and event it made are committed together, or not at all.

A POST with an `Idempotency-Key` holds that key from before its fault (a hang included) until its response is
stored: like Stripe, another request with the key meanwhile gets 409 `idempotency_key_in_use` at once instead
of waiting on the store lock, and a retry after the first finished replays it.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from stripe_emulator import errors, faults, ids
from stripe_emulator.api import router as api_router
from stripe_emulator.context import Ctx
from stripe_emulator.errors import StripeError
from stripe_emulator.expand import expand
from stripe_emulator.http import Request, Response, json_response, redirect
from stripe_emulator.objects import API_VERSION
from stripe_emulator.params import parse_form, validate
from stripe_emulator.wire import on_the_wire

if TYPE_CHECKING:
    from stripe_emulator.app import Emulator
    from stripe_emulator.routing import Route

log = logging.getLogger("stripe_emulator.http")

IDEMPOTENCY_WINDOW = 24 * 3600
TEST_KEY_PREFIXES = ("sk_test_", "rk_test_")

# Keys of requests still in progress, (emulator, api key, idempotency key): process memory, not the store,
# because a request holds its key while it hangs or waits for the store lock, and a restart ends them all anyway.
_in_progress: set[tuple[Emulator, str, str]] = set()
_in_progress_lock = threading.Lock()


@contextmanager
def _hold_key(emulator: Emulator, api_key: str, key: str | None) -> Iterator[Callable[[], None]]:
    """Hold `key` for the block, raising Stripe's 409 if another request holds it; yields an early release.

    The request releases its key inside its store transaction, before the commit, so whoever sees its
    result (which needs the store lock) also finds the key free and gets the replay, never a late 409."""
    entry = (emulator, api_key, key)

    def release() -> None:
        with _in_progress_lock:
            _in_progress.discard(entry)

    if not key:
        yield release
        return
    with _in_progress_lock:
        if entry in _in_progress:
            message = errors.IDEMPOTENCY_KEY_IN_USE.format(key=key)
            raise StripeError(message, type="idempotency_error", status=409, code="idempotency_key_in_use")
        _in_progress.add(entry)
    try:
        yield release
    finally:
        release()


def _api_key(request: Request) -> str | None:
    auth = request.header("authorization") or ""
    if auth.startswith("Bearer "):
        return auth[7:].strip() or None
    if auth.startswith("Basic "):
        try:
            return base64.b64decode(auth[6:]).decode().split(":", 1)[0] or None
        except ValueError:
            return None
    return None


def _mask(key: str) -> str:
    prefix = key[: key.find("_", 3) + 1] if key.count("_") >= 2 else key[:3]
    return prefix + "*" * max(len(key) - len(prefix) - 4, 4) + key[-4:]


def _error(error: StripeError, request_id: str, version: str) -> Response:
    headers = {"Request-Id": request_id, "Stripe-Version": version, **error.headers}
    return json_response(error.body(request_id), status=error.status, headers=headers)


def handle_api(emulator: Emulator, request: Request) -> Response:
    request_id = ids.request_id()
    version = request.header("stripe-version") or API_VERSION
    key = _api_key(request)
    if not key:
        error = StripeError(errors.MISSING_API_KEY, status=401, headers={"WWW-Authenticate": 'Basic realm="Stripe"'})
        return _error(error, request_id, version)
    if not key.startswith(TEST_KEY_PREFIXES):
        error = StripeError(errors.INVALID_API_KEY.format(masked=_mask(key)), status=401, code="api_key_invalid")
        return _error(error, request_id, version)
    matched = api_router.match(request.method, request.path)
    if matched is None:
        message = errors.UNRECOGNIZED_URL.format(method=request.method, path=request.path)
        return _error(StripeError(message, status=404), request_id, version)
    route, path_args = matched
    idempotency_key = request.header("idempotency-key") if request.method == "POST" else None
    try:
        with _hold_key(emulator, key, idempotency_key) as release_key:
            return _carry_out(
                emulator,
                request,
                route=route,
                path_args=path_args,
                api_key=key,
                idempotency_key=idempotency_key,
                request_id=request_id,
                version=version,
                release_key=release_key,
            )
    except StripeError as error:
        return _error(error, request_id, version)


def _carry_out(
    emulator: Emulator,
    request: Request,
    *,
    route: Route,
    path_args: dict[str, str],
    api_key: str,
    idempotency_key: str | None,
    request_id: str,
    version: str,
    release_key: Callable[[], None],
) -> Response:
    """Fault, parameters, replay or the handler, for a request that holds its idempotency key (if any).

    A `timeout` fault hangs while the key is held, so a retry during the hang gets the 409; with
    `process: false` the hang ends in a 500 that stores nothing, so a later retry runs afresh."""
    fault = faults.take(emulator.store, request.method, request.path)
    if fault is not None:
        if fault["kind"] != "timeout":
            return _error(faults.error_for(fault), request_id, version)
        time.sleep(float(fault.get("seconds", faults.DEFAULT_HANG_SECONDS)))
        if not fault.get("process", True):
            return _error(faults.error_for({"kind": "api_error"}), request_id, version)
    raw = parse_form(request.query)
    if request.method == "POST":
        raw.update(parse_form(request.text))
    ctx = Ctx(emulator, api_key=api_key, request_id=request_id, idempotency_key=idempotency_key)
    headers = {"Request-Id": request_id, "Stripe-Version": version}
    if idempotency_key:
        headers["Idempotency-Key"] = idempotency_key
    store = emulator.store
    try:
        with store.tx():
            if idempotency_key:
                replay = _replay(emulator, api_key, idempotency_key, request, raw)
                if replay is not None:
                    replay.headers.update({**headers, "Idempotent-Replayed": "true"})
                    return replay
            ctx.params = validate(raw, route.schema)
            emulator.run_due_work()
            result = route.handler(ctx, **path_args)
            if ctx.params.get("expand"):
                result = expand(ctx, result, ctx.params["expand"])
            response = json_response(on_the_wire(result), headers=headers)
            if idempotency_key:
                store.execute(
                    "INSERT OR REPLACE INTO idempotency"
                    " (api_key, key, method, path, fingerprint, status, body, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        api_key,
                        idempotency_key,
                        request.method,
                        request.path,
                        _fingerprint(raw),
                        200,
                        response.body.decode(),
                        store.now_float(),
                    ),
                )
            release_key()  # before the commit: see _hold_key
            return response
    except StripeError as error:
        return _error(error, request_id, version)


def _fingerprint(raw: dict) -> str:
    return hashlib.sha256(json.dumps(raw, sort_keys=True).encode()).hexdigest()


def _replay(emulator: Emulator, api_key: str, key: str, request: Request, raw: dict) -> Response | None:
    """The stored response for a reused `Idempotency-Key`, or Stripe's 400 when the request differs."""
    row = emulator.store.execute(
        "SELECT * FROM idempotency WHERE api_key = ? AND key = ? AND created > ?",
        (api_key, key, emulator.store.now_float() - IDEMPOTENCY_WINDOW),
    ).fetchone()
    if row is None:
        return None
    if (row["method"], row["path"]) != (request.method, request.path):
        first = f"{row['method']} {row['path']}"
        raise StripeError(errors.IDEMPOTENCY_OTHER_ENDPOINT.format(first=first, key=key), type="idempotency_error")
    if row["fingerprint"] != _fingerprint(raw):
        raise StripeError(errors.IDEMPOTENCY_MISMATCH.format(key=key), type="idempotency_error")
    return Response(row["status"], row["body"].encode(), "application/json", {})


def dispatch(emulator: Emulator, request: Request) -> Response:
    from stripe_emulator import control, pages

    if request.path.startswith("/v1/"):
        return handle_api(emulator, request)
    if request.path.startswith("/_emulator"):
        return control.handle(emulator, request)
    if request.path == "/":
        return redirect("/_emulator/", status=302)
    return pages.handle(emulator, request)


def make_handler(emulator: Emulator):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "stripe-emulator/1"
        sys_version = ""
        wbufsize = 64 * 1024  # headers and body leave in one write (no Nagle delay on keep-alive connections)

        def _serve(self) -> None:
            parts = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            request = Request(
                method=self.command,
                path=parts.path,
                query=parts.query,
                body=body,
                headers={name.lower(): value for name, value in self.headers.items()},
            )
            try:
                response = dispatch(emulator, request)
            except Exception:  # an emulator bug must answer like Stripe's 500, not kill the connection
                log.exception("unhandled error for %s %s", self.command, self.path)
                response = json_response(StripeError(errors.API_ERROR, type="api_error").body(), status=500)
            try:
                self.send_response(response.status)
                self.send_header("Content-Type", response.content_type)
                self.send_header("Content-Length", str(len(response.body)))
                for name, value in response.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(response.body)
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True  # the client gave up (a hang fault outlived its timeout)

        do_GET = do_POST = do_DELETE = do_HEAD = _serve

        def log_message(self, format, *args):
            if not emulator.config.quiet:
                log.info("%s %s", self.address_string(), format % args)

    return Handler
