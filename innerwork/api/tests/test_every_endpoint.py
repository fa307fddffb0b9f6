"""Guards for endpoints still to come: every /api/v1/ view takes a key and declares its scopes, every POST
is idempotent. A new view that forgets either fails here, before a partner finds out."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.permissions import AllowAny

from innerwork.api import urls as api_urls
from innerwork.api.keys import SCOPES
from innerwork.api.permissions import PartnerKey

PUBLIC = {"SpectacularAPIView", "SpectacularSwaggerView", "SpectacularRedocView", "UnknownUrlApi"}
NO_SCOPE = {"ConfigApi"}  # any valid key


def _views(patterns):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _views(pattern.url_patterns)
        elif isinstance(pattern, URLPattern) and hasattr(pattern.callback, "cls"):
            yield pattern.callback.cls


VIEWS = sorted({view for view in _views(api_urls.urlpatterns)}, key=lambda view: view.__name__)


def test_the_api_urls_are_mounted():
    assert get_resolver().resolve("/api/v1/config").func.cls.__name__ == "ConfigApi"
    assert len(VIEWS) >= 9


@pytest.mark.parametrize("view", VIEWS, ids=lambda view: view.__name__)
def test_each_view_needs_a_key_with_declared_scopes_and_each_post_is_idempotent(view):
    if view.__name__ in PUBLIC:
        assert AllowAny in view.permission_classes
        return
    assert PartnerKey in view.permission_classes
    scopes = getattr(view, "required_scopes", None)
    if view.__name__ in NO_SCOPE:
        assert not scopes
    else:
        declared = set().union(*scopes.values()) if isinstance(scopes, dict) else set(scopes or ())
        assert declared, f"{view.__name__} declares no required_scopes"
        assert declared <= set(SCOPES)
    if hasattr(view, "post"):
        assert getattr(view.post, "idempotent", False), f"{view.__name__}.post is not @idempotent"
