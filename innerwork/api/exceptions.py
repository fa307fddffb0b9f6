"""The one error shape of /api/v1/: `{"error": {"type", "code", "message", "param"}}`, for every failure.

Modelled on Stripe's: `type` is the family a client branches on, `code` the exact reason (stable, safe
to match), `message` for a person, `param` the request field at fault (dotted for nested fields:
`lines.0.amount`) or null. The HTTP status says the same thing coarsely:

| status | type | codes |
|---|---|---|
| 400 | invalid_request_error | parameter_invalid, parameter_missing, parse_error, request_too_large, |
|     |                       | api_version_invalid, idempotency_key_missing, idempotency_key_invalid, |
|     |                       | url_not_allowed, after_contract_end |
| 401 | authentication_error | api_key_missing, api_key_invalid, api_key_revoked, api_key_wrong_mode, |
|     |                      | partner_inactive |
| 403 | permission_error | scope_missing, permission_denied |
| 404 | invalid_request_error | resource_missing |
| 405, 406, 415 | invalid_request_error | method_not_allowed, not_acceptable, unsupported_media_type |
| 409 | idempotency_error | idempotency_request_in_progress |
| 409 | invalid_request_error | resource_conflict, slot_taken (with `alternatives`), booking_refused, |
|     |                       | not_purchasable, refund_refused, contract_not_payable, contract_not_paid, |
|     |                       | contract_not_active, no_credits_left, proposal_not_open, proposal_expired, |
|     |                       | coach_unavailable, session_not_scheduled, session_started, reschedule_too_late, |
|     |                       | contract_not_cancelable |
| 422 | idempotency_error | idempotency_key_reused |
| 429 | rate_limit_error | rate_limited (with Retry-After) |
| 500 | api_error | internal_error (a bug: logged, never expected) |
| 503 | api_error | payment_provider_unavailable (Stripe could not be reached; nothing was charged: retry) |

`ERROR_CODES` below is this table as data; a test walks every raising site of the API and fails on a code
missing from it (or raised with another status).

Views raise DRF's exceptions (ValidationError, NotFound…) or `ApiError` for anything more specific;
services may raise Django's ValidationError, which becomes a 400 naming its field.
"""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error

logger = logging.getLogger(__name__)

INVALID_REQUEST = "invalid_request_error"
AUTHENTICATION = "authentication_error"
PERMISSION = "permission_error"
IDEMPOTENCY = "idempotency_error"
RATE_LIMIT = "rate_limit_error"
API_ERROR = "api_error"

# code -> (HTTP status, type): the table above. Every code the API answers is here, once.
ERROR_CODES: dict[str, tuple[int, str]] = {
    **dict.fromkeys(
        (
            "parameter_invalid",
            "parameter_missing",
            "parse_error",
            "request_too_large",
            "api_version_invalid",
            "idempotency_key_missing",
            "idempotency_key_invalid",
            "url_not_allowed",
            "after_contract_end",
        ),
        (400, INVALID_REQUEST),
    ),
    **dict.fromkeys(
        ("api_key_missing", "api_key_invalid", "api_key_revoked", "api_key_wrong_mode", "partner_inactive"),
        (401, AUTHENTICATION),
    ),
    **dict.fromkeys(("scope_missing", "permission_denied"), (403, PERMISSION)),
    "resource_missing": (404, INVALID_REQUEST),
    "method_not_allowed": (405, INVALID_REQUEST),
    "not_acceptable": (406, INVALID_REQUEST),
    "unsupported_media_type": (415, INVALID_REQUEST),
    "idempotency_request_in_progress": (409, IDEMPOTENCY),
    **dict.fromkeys(
        (
            "resource_conflict",
            "slot_taken",
            "booking_refused",
            "not_purchasable",
            "refund_refused",
            "contract_not_payable",
            "contract_not_paid",
            "contract_not_active",
            "no_credits_left",
            "proposal_not_open",
            "proposal_expired",
            "coach_unavailable",
            "session_not_scheduled",
            "session_started",
            "reschedule_too_late",
            "contract_not_cancelable",
        ),
        (409, INVALID_REQUEST),
    ),
    "idempotency_key_reused": (422, IDEMPOTENCY),
    "rate_limited": (429, RATE_LIMIT),
    "internal_error": (500, API_ERROR),
    "payment_provider_unavailable": (503, API_ERROR),
}

REQUEST_TOO_LARGE = "The request body is too large."
INTERNAL_ERROR = "Something went wrong on our side. It has been logged; try again later."
RATE_LIMITED = "Too many requests with this key. Retry after {seconds} seconds."


class ApiError(exceptions.APIException):
    """An error with its exact type, code and parameter: `raise ApiError(409, code=..., message=..., param=...)`."""

    def __init__(self, status_code: int, *, code: str, message: str, type: str = INVALID_REQUEST, param=None):
        super().__init__(detail=message, code=code)
        self.status_code = status_code
        self.error_type = type
        self.error_code = code
        self.param = param


def error_body(*, type: str, code: str, message: str, param: str | None = None) -> dict:
    return {"error": {"type": type, "code": code, "message": message, "param": param}}


def error_response(exc: ApiError) -> Response:
    """The response for an ApiError raised outside a view's handler (e.g. by the idempotency wrapper)."""
    return Response(
        error_body(type=exc.error_type, code=exc.error_code, message=str(exc.detail), param=exc.param),
        status=exc.status_code,
    )


def _first_error(detail, path: tuple[str, ...] = ()) -> tuple[str | None, object]:
    """The first (field path, ErrorDetail) in a DRF ValidationError's nested detail."""
    if isinstance(detail, dict):
        for key, value in detail.items():
            field = () if key in ("non_field_errors", "__all__") else (str(key),)
            return _first_error(value, path + field)
    if isinstance(detail, list):
        for index, value in enumerate(detail):
            if isinstance(value, dict | list):
                return _first_error(value, (*path, str(index)))
            return (".".join(path) or None), value
    return (".".join(path) or None), detail


_BY_CLASS: list[tuple[type[exceptions.APIException], str, str]] = [
    (exceptions.ParseError, INVALID_REQUEST, "parse_error"),
    (exceptions.NotAuthenticated, AUTHENTICATION, "api_key_missing"),
    (exceptions.AuthenticationFailed, AUTHENTICATION, "api_key_invalid"),
    (exceptions.PermissionDenied, PERMISSION, "permission_denied"),
    (exceptions.NotFound, INVALID_REQUEST, "resource_missing"),
    (exceptions.MethodNotAllowed, INVALID_REQUEST, "method_not_allowed"),
    (exceptions.NotAcceptable, INVALID_REQUEST, "not_acceptable"),
    (exceptions.UnsupportedMediaType, INVALID_REQUEST, "unsupported_media_type"),
    (exceptions.Throttled, RATE_LIMIT, "rate_limited"),
]


def _shape(exc: exceptions.APIException) -> dict:
    if isinstance(exc, ApiError):
        return error_body(type=exc.error_type, code=exc.error_code, message=str(exc.detail), param=exc.param)
    if isinstance(exc, exceptions.ValidationError):
        param, detail = _first_error(exc.detail)
        code = "parameter_missing" if getattr(detail, "code", "") in ("required", "null") else "parameter_invalid"
        return error_body(type=INVALID_REQUEST, code=code, message=str(detail), param=param)
    if isinstance(exc, exceptions.Throttled):
        return error_body(type=RATE_LIMIT, code="rate_limited", message=RATE_LIMITED.format(seconds=exc.wait or 1))
    for klass, type_, default_code in _BY_CLASS:
        if isinstance(exc, klass):
            # Our authentication and permissions name the exact reason in the exception's code.
            code = exc.get_codes() if isinstance(exc.get_codes(), str) else default_code
            if code in ("not_authenticated", "authentication_failed", "permission_denied", "not_found"):
                code = default_code
            return error_body(type=type_, code=code, message=str(exc.detail))
    return error_body(type=INVALID_REQUEST, code=exc.default_code, message=str(exc.detail))


def exception_handler(exc, context):
    """Every error of a DRF view in the one shape; an unexpected exception is logged and answered 500 in it too."""
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_serializer_error(exc))
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, RequestDataTooBig):
        exc = ApiError(400, code="request_too_large", message=REQUEST_TOO_LARGE)
    elif isinstance(exc, SuspiciousOperation):
        exc = exceptions.ParseError()
    if not isinstance(exc, exceptions.APIException):
        logger.exception("Unexpected error in the partner API", exc_info=exc)
        body = error_body(type=API_ERROR, code="internal_error", message=INTERNAL_ERROR)
        return Response(body, status=status.HTTP_500_INTERNAL_SERVER_ERROR)
    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None) is not None:
        headers["Retry-After"] = str(max(1, int(exc.wait + 0.999)))
    return Response(_shape(exc), status=exc.status_code, headers=headers)
