"""`Authorization: Bearer iw_test_…`: the partner API's one way in.

On success `request.auth` is the ApiKey (its partner joined in) and `request.user` stays anonymous:
a key acts for its partner, never as an InnerWork user. Views reach the partner with
`request_partner(request)`.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from rest_framework import authentication, exceptions

from innerwork.api.keys import KeyRefused, api_key_authenticate
from innerwork.api.models import ApiKey, Partner

MALFORMED_HEADER = "Send the key as `Authorization: Bearer iw_test_…`."
NO_KEY = "This endpoint needs an API key: `Authorization: Bearer iw_test_…`."


class BearerKeyAuthentication(authentication.BaseAuthentication):
    """Reads `Authorization: Bearer <key>`; no header means anonymous (the permission then answers 401)."""

    keyword = "Bearer"

    def authenticate(self, request):
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if not header:
            return None
        parts = header.split()
        if len(parts) != 2 or parts[0].lower() != self.keyword.lower():
            raise exceptions.AuthenticationFailed(MALFORMED_HEADER, code="api_key_invalid")
        try:
            api_key = api_key_authenticate(raw=parts[1])
        except KeyRefused as refused:
            raise exceptions.AuthenticationFailed(refused.message, code=refused.code) from None
        return AnonymousUser(), api_key

    def authenticate_header(self, request) -> str:
        return f'{self.keyword} realm="InnerWork partner API"'


def request_partner(request) -> Partner:
    """The partner whose key made this request (views behind `PartnerKey` always have one)."""
    api_key = request.auth
    if not isinstance(api_key, ApiKey):
        raise exceptions.NotAuthenticated(NO_KEY, code="api_key_missing")
    return api_key.partner
