"""Which page-cache scopes a block of code retired (innerwork/core/page_cache.py)."""

from innerwork.core import page_cache


class Retired:
    """`with Retired(*scopes) as r: ...` then `r.retired`: those of `scopes` whose token changed inside."""

    def __init__(self, *scopes: str):
        self.scopes = scopes
        self.retired: set[str] = set()

    def _tokens(self) -> dict[str, str]:
        # Read as a page would: a scope without a token gets one first, so every scope has one to compare.
        versions, _ = page_cache._read_with_versions(self.scopes)
        return versions

    def __enter__(self):
        self.before = self._tokens()
        return self

    def __exit__(self, *exc):
        after = self._tokens()
        self.retired = {scope for scope in self.scopes if after[scope] != self.before[scope]}
