"""The `InnerWork-Version` header on /api/v1/: an unknown value is a 400; every response names the version."""

from __future__ import annotations

from django.http import JsonResponse

from innerwork.api.exceptions import INVALID_REQUEST, error_body
from innerwork.api.versioning import SUPPORTED_VERSIONS, UNKNOWN_VERSION, VERSION_HEADER, requested_version

API_PREFIX = "/api/v1/"


class ApiVersionMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(API_PREFIX):
            return self.get_response(request)
        asked = request.headers.get(VERSION_HEADER)
        version = requested_version(asked)
        if version is None:
            message = UNKNOWN_VERSION.format(header=VERSION_HEADER, value=asked, versions=", ".join(SUPPORTED_VERSIONS))
            body = error_body(type=INVALID_REQUEST, code="api_version_invalid", message=message, param=VERSION_HEADER)
            response = JsonResponse(body, status=400)
            version = SUPPORTED_VERSIONS[-1]
        else:
            request.api_version = version
            response = self.get_response(request)
        response[VERSION_HEADER] = version
        return response
