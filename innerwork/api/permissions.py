"""What a key may do: a view declares `required_scopes`; `PartnerKey` (the API's default) checks them.

    class BookingCreateApi(IdempotentPostMixin, generics.GenericAPIView):
        required_scopes = ("bookings:write",)

Where one URL has two operations needing different scopes, map methods to scopes:
`required_scopes = {"GET": ("orders:read",), "POST": ("refunds:write",)}`.

A view with no `required_scopes` still needs a valid key (e.g. /config). A public view (the schema,
the docs) sets `permission_classes = [AllowAny]` and `authentication_classes = []`.
"""

from __future__ import annotations

from rest_framework import exceptions, permissions

from innerwork.api.authentication import NO_KEY
from innerwork.api.keys import SCOPES
from innerwork.api.models import ApiKey

SCOPE_MISSING = "This key lacks the {scopes} scope{s}. Ask InnerWork for a key that has it."


class PartnerKey(permissions.BasePermission):
    """A valid partner key (401 without one) holding every scope in the view's `required_scopes` (403)."""

    def has_permission(self, request, view) -> bool:
        if not isinstance(request.auth, ApiKey):
            raise exceptions.NotAuthenticated(NO_KEY, code="api_key_missing")
        required = getattr(view, "required_scopes", ())
        if isinstance(required, dict):
            required = required.get("GET" if request.method == "HEAD" else request.method, ())
        assert set(required) <= set(SCOPES), f"{type(view).__name__} names an unknown scope: {required}"
        missing = [scope for scope in required if scope not in request.auth.scopes]
        if missing:
            raise exceptions.PermissionDenied(
                SCOPE_MISSING.format(scopes=", ".join(missing), s="s" if len(missing) > 1 else ""),
                code="scope_missing",
            )
        return True
