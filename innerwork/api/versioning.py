"""The API version a request asks for: the `InnerWork-Version` header, e.g. `InnerWork-Version: 2026-12-01`.

Versions are release dates, as Stripe's. Without the header a request gets the current version; an
unknown value is a 400 (`api_version_invalid`), never a silent fallback, so a partner that pins a
version learns at once when it is not served. Every /api/v1/ response names the version that
answered in the same header. Checked by innerwork.api.middleware before any view runs (so also
before authentication), which also keeps DRF's versioning (unknown to the schema generator) out.
"""

from __future__ import annotations

VERSION_HEADER = "InnerWork-Version"
CURRENT_VERSION = "2026-12-01"
SUPPORTED_VERSIONS = (CURRENT_VERSION,)
UNKNOWN_VERSION = "Unknown {header} {value!r}; this server speaks {versions}."


def requested_version(value: str | None) -> str | None:
    """The version a header value asks for (the current one without a header); None when it is unknown."""
    if value is None:
        return CURRENT_VERSION
    value = value.strip()
    return value if value in SUPPORTED_VERSIONS else None
