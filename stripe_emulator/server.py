"""The HTTP server: `/v1/...` (Stripe's API), `/c/...` (hosted pages), `/_emulator/...` (dashboard, control).

An API request goes through Stripe's gates in Stripe's order: authentication, route, injected fault,
parameters, idempotency; then the handler runs inside one store transaction, so the response and every
change and event it made are committed together, or not at all.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import time
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

if TYPE_CHECKING:
    from stripe_emulator.app import Emulator

log = logging.getLogger("stripe_emulator.http")

IDEMPOTENCY_WINDOW = 24 * 3600
TEST_KEY_PREFIXES = ("sk_test_", "rk_test_")


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
    idempotency_key = request.header("idempotency-key") if request.method == "POST" else None
    ctx = Ctx(emulator, api_key=key, request_id=request_id, idempotency_key=idempotency_key)
    headers = {"Request-Id": request_id, "Stripe-Version": version}
    if idempotency_key:
        headers["Idempotency-Key"] = idempotency_key
    store = emulator.store
    try:
        with store.tx():
            if idempotency_key:
                replay = _replay(emulator, key, idempotency_key, request, raw)
                if replay is not None:
                    replay.headers.update({**headers, "Idempotent-Replayed": "true"})
                    return replay
            ctx.params = validate(raw, route.schema)
            emulator.run_due_work()
            result = route.handler(ctx, **path_args)
            if ctx.params.get("expand"):
                result = expand(ctx, result, ctx.params["expand"])
            response = json_response(result, headers=headers)
            if idempotency_key:
                store.execute(
                    "INSERT OR REPLACE INTO idempotency"
                    " (api_key, key, method, path, fingerprint, status, body, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        key,
                        idempotency_key,
                        request.method,
                        request.path,
                        _fingerprint(raw),
                        200,
                        response.body.decode(),
                        store.now_float(),
                    ),
                )
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
