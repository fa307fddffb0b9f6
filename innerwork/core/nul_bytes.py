"""A NUL byte anywhere in a request's path, query string or form fields is refused before any view runs.

PostgreSQL cannot store or compare text containing NUL (psycopg raises "PostgreSQL text fields
cannot contain NUL (0x00) bytes"), so a view that puts `?q=a%00b` or `/orders/%00/` into a
query fails with a 500, and a form field read straight from `request.POST` does the same.
Django's and DRF's form fields already refuse NUL, but views and admin searches that read
parameters themselves do not. Rather than guard each of them, `NulByteMiddleware` answers:

- 404 when the path holds a NUL (no address of ours contains one);
- 400 when a query parameter or, on the site, a form field (its name or a value) does.

Under the partner API (`/api/`) the answer is the API's error shape (`invalid_request_error`,
`resource_missing` or `parameter_invalid` with the parameter in `param`); elsewhere it is the
site's styled 404 or 400 page. The middleware sits last, inside ApiVersionMiddleware, so the
API's refusals still name the version that answered; nothing before it reads a parameter into
the database. File contents and JSON bodies are not inspected: an upload may be binary (Django's
parser already drops non-printable characters from its file name), and DRF's fields refuse NUL
in JSON strings themselves.
"""

from __future__ import annotations

from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import get_resolver

from innerwork.api.exceptions import INVALID_REQUEST, error_body

NUL = "\x00"
API_PATH_PREFIX = "/api/"
FORM_CONTENT_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")

NUL_IN_PATH = "No resource lives at an address containing a NUL character (%00)."
NUL_IN_PARAMETER = "The parameter {param} contains a NUL character (%00), which no value may contain."


def _has_nul(value) -> bool:
    return NUL in str(value)


def _nul_parameter(request: HttpRequest, *, api: bool) -> str | None:
    """The name of the first query parameter or form field holding a NUL ("" when it has no name), else None.

    Form bodies are read on the site only: the API takes JSON and answers a form with 415, and reading a
    multipart body here would leave DRF (and the Idempotency-Key fingerprint of the raw body) without it.
    """
    fields = [request.GET]
    if not api and request.method == "POST" and request.content_type in FORM_CONTENT_TYPES:
        fields += [request.POST]
    for data in fields:
        for name, values in data.lists():
            if _has_nul(name) or any(_has_nul(value) for value in values):
                return name.replace(NUL, "")
    return None


class NulByteMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        api = request.path_info.startswith(API_PATH_PREFIX)
        if _has_nul(request.path_info):
            return self._refuse(request, api=api, status=404, code="resource_missing", message=NUL_IN_PATH)
        try:
            param = _nul_parameter(request, api=api)
        except SuspiciousOperation:  # too many fields, a broken multipart body: Django's own 400 follows
            return self.get_response(request)
        if param is not None:
            message = NUL_IN_PARAMETER.format(param=param or "(unnamed)")
            return self._refuse(request, api=api, status=400, code="parameter_invalid", message=message, param=param)
        return self.get_response(request)

    @staticmethod
    def _refuse(request, *, api: bool, status: int, code: str, message: str, param: str | None = None):
        if api:
            body = error_body(type=INVALID_REQUEST, code=code, message=message, param=param)
            return JsonResponse(body, status=status)
        handler = get_resolver().resolve_error_handler(status)
        return handler(request, exception=None)
