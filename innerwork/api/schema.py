"""The OpenAPI schema's conventions, written once for every /api/v1/ operation (a drf-spectacular hook).

Views document what is theirs (parameters, bodies, their own 400/404/409 with a description);
`postprocess` adds what every operation shares, so the schema stays complete as endpoints are added:
the `Error` body on every 4xx, the errors any call can get (400 version, 401, 403, 429), the
`InnerWork-Version` header, and on every POST the required `Idempotency-Key` header, the 409 and
422 it can answer, and `Idempotent-Replayed` on replayed answers.
"""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiAuthenticationExtension

from innerwork.api.idempotency import HEADER as IDEMPOTENCY_HEADER
from innerwork.api.idempotency import MAX_KEY_LENGTH, REPLAYED_HEADER
from innerwork.api.versioning import SUPPORTED_VERSIONS, VERSION_HEADER

ERROR_REF = {"$ref": "#/components/schemas/Error"}
ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["type", "code", "message", "param"],
            "properties": {
                "type": {
                    "type": "string",
                    "enum": [
                        "invalid_request_error",
                        "authentication_error",
                        "permission_error",
                        "idempotency_error",
                        "rate_limit_error",
                        "api_error",
                    ],
                },
                "code": {"type": "string", "description": "The exact reason, stable: e.g. parameter_invalid."},
                "message": {"type": "string", "description": "For a person."},
                "param": {"type": "string", "nullable": True, "description": "The field at fault, dotted."},
            },
        }
    },
    "example": {
        "error": {
            "type": "invalid_request_error",
            "code": "parameter_invalid",
            "message": "Enter a valid email address.",
            "param": "email",
        }
    },
}
SHARED_ERRORS = {
    "400": "A parameter or header is invalid (e.g. an unknown InnerWork-Version); `param` names it.",
    "401": "No API key, or one that is unknown, revoked, or of the other mode (iw_test_ / iw_live_).",
    "403": "The key lacks a scope this endpoint needs.",
    "429": "Too many requests with this key; retry after `Retry-After` seconds.",
}
POST_ERRORS = {
    "409": "A request with this Idempotency-Key is still running.",
    "422": "This Idempotency-Key was used with another request.",
}
VERSION_PARAMETER = {
    "name": VERSION_HEADER,
    "in": "header",
    "required": False,
    "description": "The API version to use (default: the current one). An unknown value is a 400.",
    "schema": {"type": "string", "enum": list(SUPPORTED_VERSIONS)},
}
IDEMPOTENCY_PARAMETER = {
    "name": IDEMPOTENCY_HEADER,
    "in": "header",
    "required": True,
    "description": "A unique value per operation (e.g. a UUID): retrying with the same key and body replays "
    "the first answer; kept 24 hours.",
    "schema": {"type": "string", "minLength": 1, "maxLength": MAX_KEY_LENGTH, "pattern": "^[ -~]+$"},
}
VERSION_RESPONSE_HEADER = {"description": "The API version that answered.", "schema": {"type": "string"}}


class BearerKeyScheme(OpenApiAuthenticationExtension):
    target_class = "innerwork.api.authentication.BearerKeyAuthentication"
    name = "PartnerKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A partner key, `Authorization: Bearer iw_test_…` (made by InnerWork staff).",
        }


def postprocess(result, generator, request, public):
    """drf-spectacular POSTPROCESSING_HOOKS entry: add the shared conventions to every operation."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            parameters = operation.setdefault("parameters", [])
            parameters.append(VERSION_PARAMETER)
            errors = dict(SHARED_ERRORS)
            if "{" in path:
                errors["404"] = "No such object (or not yours)."
            if method == "post":
                parameters.append(IDEMPOTENCY_PARAMETER)
                errors.update(POST_ERRORS)
            responses = operation.setdefault("responses", {})
            for code, description in errors.items():
                responses.setdefault(code, {"description": description})
            for code, response in responses.items():
                response.setdefault("headers", {})[VERSION_HEADER] = VERSION_RESPONSE_HEADER
                if code.startswith("4"):
                    response["content"] = {"application/json": {"schema": ERROR_REF}}
                if code == "429":
                    response["headers"]["Retry-After"] = {
                        "description": "Seconds to wait.",
                        "schema": {"type": "integer"},
                    }
                if method == "post" and code[0] in "24":
                    response["headers"][REPLAYED_HEADER] = {
                        "description": "`true` when this is the stored answer to an earlier request with this key.",
                        "schema": {"type": "string", "enum": ["true"]},
                    }
    return result
