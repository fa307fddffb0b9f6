"""Errors shaped like Stripe's: `{"error": {"type", "code", "decline_code", "message", "param", ...}}`.

Messages are module constants (or builders) so the tests and the product's tests can assert them.
"""

from __future__ import annotations

from typing import Any

DOCS = "https://stripe.com/docs/error-codes/"

MISSING_API_KEY = (
    "You did not provide an API key. You need to provide your API key in the Authorization header, "
    "using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication "
    "for details, or we can help at https://support.stripe.com/."
)
INVALID_API_KEY = "Invalid API Key provided: {masked}"
RATE_LIMITED = "Request rate limit exceeded. Learn more about rate limits here https://stripe.com/docs/rate-limits."
API_ERROR = "An unknown error occurred (injected by the Stripe emulator)."
IDEMPOTENCY_MISMATCH = (
    "Keys for idempotent requests can only be used with the same parameters they were first used with. "
    "Try using a key other than '{key}' if you meant to execute a different request."
)
IDEMPOTENCY_OTHER_ENDPOINT = (
    "Keys for idempotent requests can only be used for the same endpoint they were first used for "
    "({first}). Try using a key other than '{key}' if you meant to execute a different request."
)
IDEMPOTENCY_KEY_IN_USE = (
    "There is currently another in-progress request using this Idempotent Key (that probably means you submitted "
    "twice, and the other request is still going through): {key}. Please try again later."
)
UNRECOGNIZED_URL = (
    "Unrecognized request URL ({method}: {path}). Please see https://stripe.com/docs "
    "or we can help at https://support.stripe.com/."
)
NO_SUCH_OBJECT = "No such {noun}: '{id}'"
UNKNOWN_PARAMETER = "Received unknown parameter: {param}"
MISSING_PARAMETER = "Missing required param: {param}."
INVALID_INTEGER = "Invalid integer: {value}"
INVALID_BOOLEAN = "Invalid boolean: {value}"
INVALID_DECIMAL = "Invalid decimal: {value}"
INVALID_CHOICE = "Invalid {param}: must be one of {choices}"
INVALID_ARRAY = "Invalid array"
INVALID_HASH = "Invalid object"
NOT_EXPANDABLE = "This property cannot be expanded ({path})."
UNSUPPORTED_BY_EMULATOR = (
    "The Stripe emulator does not implement `{param}` (Stripe does). Remove it, or extend stripe_emulator "
    "so that it behaves like Stripe."
)
ONLY_ONE_OF = "You may only specify one of these parameters: {params}."
INVALID_LIMIT = "Invalid limit: must be an integer between 1 and 100"

CARD_DECLINED = "Your card was declined."
INSUFFICIENT_FUNDS = "Your card has insufficient funds."
EXPIRED_CARD = "Your card has expired."
INCORRECT_CVC = "Your card's security code is incorrect."
PROCESSING_ERROR = "An error occurred while processing your card. Try again in a little bit."
LIVE_CARD_IN_TEST_MODE = "Your card was declined. Your request was in test mode, but used a non test card."
AUTHENTICATION_FAILED = (
    "We are unable to authenticate your payment method. Please choose a different payment method and try again."
)
PI_AUTHENTICATION_FAILURE = (
    "The provided PaymentMethod has failed authentication. You can provide payment_method_data or a new "
    "PaymentMethod to attempt to fulfill this PaymentIntent again."
)

# Stripe's status code for each error type.
STATUS_FOR_TYPE = {
    "api_error": 500,
    "card_error": 402,
    "idempotency_error": 400,  # 409 when the key is in use by a request still in progress
    "invalid_request_error": 400,
}


class StripeError(Exception):
    """An error the emulator answers with, in Stripe's JSON shape and status code."""

    def __init__(
        self,
        message: str,
        *,
        type: str = "invalid_request_error",
        status: int | None = None,
        code: str | None = None,
        param: str | None = None,
        decline_code: str | None = None,
        extra: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ):
        super().__init__(message)
        self.message = message
        self.type = type
        self.status = status or STATUS_FOR_TYPE.get(type, 400)
        self.code = code
        self.param = param
        self.decline_code = decline_code
        self.extra = extra or {}
        self.headers = headers or {}

    def body(self, request_id: str | None = None) -> dict[str, Any]:
        error: dict[str, Any] = {"message": self.message, "type": self.type}
        if self.code:
            error["code"] = self.code
            error["doc_url"] = DOCS + self.code.replace("_", "-")
        if self.decline_code:
            error["decline_code"] = self.decline_code
        if self.param:
            error["param"] = self.param
        if request_id:
            error["request_log_url"] = f"https://dashboard.stripe.com/test/logs/{request_id}"
        error.update(self.extra)
        return {"error": error}


def no_such(noun: str, object_id: str, *, param: str = "id") -> StripeError:
    return StripeError(NO_SUCH_OBJECT.format(noun=noun, id=object_id), status=404, code="resource_missing", param=param)


def invalid(message: str, *, param: str | None = None, code: str | None = None) -> StripeError:
    return StripeError(message, param=param, code=code)


def missing(param: str) -> StripeError:
    return StripeError(MISSING_PARAMETER.format(param=param), code="parameter_missing", param=param)


def only_one_of(*params: str) -> StripeError:
    return StripeError(ONLY_ONE_OF.format(params=", ".join(params)), param=params[-1])
