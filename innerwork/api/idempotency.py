"""Idempotency-Key on every POST of /api/v1/, per the IETF draft "The Idempotency-Key HTTP Header Field".

Put `@idempotent` on a view's `post`:

    class CustomerCreateApi(generics.GenericAPIView):
        required_scopes = ("customers:write",)

        @idempotent
        def post(self, request): ...

The rules, per API key (two keys of one partner never share Idempotency-Keys):

- no `Idempotency-Key` header → 400 `idempotency_key_missing`; longer than 255 characters → 400;
- the first request with a key runs; its answer (status and body, success or error) is stored;
- the same key again with the same method, path, query and body (JSON compared by value, so key order
  and spacing do not matter; query parameters in any order) → the stored answer again, with
  `Idempotent-Replayed: true`, and nothing runs;
- the same key with another method, path, query or body → 422 `idempotency_key_reused` (so a
  `?preview=true` answer is never replayed for the real request);
- the same key while the first request still runs → 409 `idempotency_request_in_progress`;
- a 5xx answer is not stored (the key is freed so the retry runs);
- keys are kept IDEMPOTENCY_KEY_HOURS (24) from their first use; after that the key starts afresh;
- a key still without an answer after ABANDONED_AFTER (its process died mid-request) is taken over by
  the next request with the same body, which runs it again.

Concurrent duplicates are decided by PostgreSQL: the first request inserts the key's row in its own
transaction (before the view runs, committed), and the unique (api key, key) constraint makes every other
insert fail, so exactly one of them runs the view. The view's own writes are not inside that
transaction: a view that writes must still be safe on its own (a service with its own locks).
Authentication, scopes, throttling and the version header are checked before the key is looked at:
those refusals are not stored.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import timedelta
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from innerwork.api.exceptions import IDEMPOTENCY, ApiError, error_response
from innerwork.api.models import ApiKey, IdempotencyRecord

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
MAX_KEY_LENGTH = 255
# Far beyond any request's time limit (the web server's is 30 s): a first request this old is gone.
ABANDONED_AFTER = timedelta(minutes=5)

KEY_MISSING = "POST requests need an Idempotency-Key header (a unique value per operation, e.g. a UUID)."
KEY_INVALID = f"An Idempotency-Key is 1 to {MAX_KEY_LENGTH} printable ASCII characters."
KEY_REUSED = "This Idempotency-Key was used with another request (method, path, query or body); use a new key."
IN_PROGRESS = "A request with this Idempotency-Key is still running; retry when it has finished."


def _key_from(request) -> str:
    raw = request.headers.get(HEADER)
    if raw is None:
        raise ApiError(400, code="idempotency_key_missing", message=KEY_MISSING, param=HEADER)
    key = raw.strip()
    if len(key) >= 2 and key[0] == key[-1] == '"':  # the draft's structured-field string form
        key = key[1:-1]
    if not key or len(key) > MAX_KEY_LENGTH or not key.isascii() or not key.isprintable():
        raise ApiError(400, code="idempotency_key_invalid", message=KEY_INVALID, param=HEADER)
    return key


def request_target(request) -> str:
    """The path and its query parameters in a canonical order: what a request asks of, for the fingerprint."""
    if not request.GET:
        return request.path
    return f"{request.path}?{urlencode(sorted(request.GET.lists()), doseq=True)}"


def request_fingerprint(*, method: str, path: str, body: bytes) -> str:
    """SHA-256 of the method, the path with its query and the body (JSON by value, anything else by its bytes)."""
    try:
        canonical = json.dumps(json.loads(body), sort_keys=True, separators=(",", ":")).encode()
    except ValueError:
        canonical = body
    return hashlib.sha256(method.encode() + b"\n" + path.encode() + b"\n" + canonical).hexdigest()


@dataclass(frozen=True)
class Claim:
    """The key's record, and whether it holds a finished answer to replay (else this request runs)."""

    record: IdempotencyRecord
    replay: bool


def idempotency_claim(*, api_key: ApiKey, key: str, fingerprint: str, method: str, path: str) -> Claim:
    """Claim `key` for this request, or find the answer it already has.

    Inserts the key's row in a transaction of its own, which commits before the view runs; a
    concurrent duplicate's insert fails on the unique constraint and reads the row instead (409 while
    it has no answer). An expired row is deleted and the key claimed afresh. Raises ApiError 409/422.
    """
    now = timezone.now()
    expired_before = now - timedelta(hours=settings.IDEMPOTENCY_KEY_HOURS)
    for _ in range(3):
        try:
            with transaction.atomic():
                record = IdempotencyRecord.objects.create(
                    api_key=api_key, key=key, fingerprint=fingerprint, method=method, path=path[:255]
                )
            return Claim(record=record, replay=False)
        except IntegrityError:
            existing = IdempotencyRecord.objects.filter(api_key=api_key, key=key).first()
        if existing is None:  # finished with a 5xx and freed, or purged, in between: claim again
            continue
        if existing.created_at < expired_before:
            IdempotencyRecord.objects.filter(pk=existing.pk, created_at__lt=expired_before).delete()
            continue
        if existing.fingerprint != fingerprint:
            raise ApiError(422, type=IDEMPOTENCY, code="idempotency_key_reused", message=KEY_REUSED, param=HEADER)
        if existing.response_status is None and existing.created_at < now - ABANDONED_AFTER:
            IdempotencyRecord.objects.filter(pk=existing.pk, response_status__isnull=True).delete()
            continue
        if existing.response_status is None:
            raise ApiError(409, type=IDEMPOTENCY, code="idempotency_request_in_progress", message=IN_PROGRESS)
        return Claim(record=existing, replay=True)
    raise ApiError(409, type=IDEMPOTENCY, code="idempotency_request_in_progress", message=IN_PROGRESS)


def idempotency_complete(*, record: IdempotencyRecord, status: int, body) -> None:
    """Store the answer for replays; a server error frees the key instead, so a retry runs the request."""
    if status >= 500:
        IdempotencyRecord.objects.filter(pk=record.pk).delete()
        return
    # Stored as it was rendered (dates as strings, ErrorDetail as str), so a replay is byte-for-byte the same JSON.
    stored = json.loads(JSONRenderer().render(body)) if body is not None else None
    IdempotencyRecord.objects.filter(pk=record.pk).update(
        response_status=status, response_body=stored, completed_at=timezone.now()
    )


def idempotency_records_purge(*, now=None) -> int:
    """Delete the keys older than IDEMPOTENCY_KEY_HOURS; returns how many. Safe to run at any time."""
    cutoff = (now or timezone.now()) - timedelta(hours=settings.IDEMPOTENCY_KEY_HOURS)
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    return deleted


def idempotent(handler):
    """Decorate a DRF view's `post` so it follows the rules in this module's docstring."""

    @wraps(handler)
    def wrapper(view, request, *args, **kwargs):
        try:
            key = _key_from(request)
            fingerprint = request_fingerprint(
                method=request.method, path=request_target(request), body=request._request.body
            )
            claim = idempotency_claim(
                api_key=request.auth, key=key, fingerprint=fingerprint, method=request.method, path=request.path
            )
        except ApiError as error:
            return error_response(error)
        if claim.replay:
            return Response(
                claim.record.response_body, status=claim.record.response_status, headers={REPLAYED_HEADER: "true"}
            )
        try:
            response = handler(view, request, *args, **kwargs)
        except Exception as exc:
            response = view.handle_exception(exc)
        idempotency_complete(record=claim.record, status=response.status_code, body=response.data)
        return response

    wrapper.idempotent = True
    return wrapper
