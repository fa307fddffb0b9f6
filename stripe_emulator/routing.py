"""A tiny router: `"/v1/customers/{id}"` patterns mapped to handler functions, per HTTP method."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from stripe_emulator.params import EXPAND, Field


@dataclass
class Route:
    method: str
    pattern: str
    regex: re.Pattern
    handler: Callable[..., Any]
    schema: dict[str, Field] = field(default_factory=dict)


class Router:
    def __init__(self) -> None:
        self.routes: list[Route] = []

    def add(self, method: str, pattern: str, schema: dict[str, Field] | None = None):
        """Register the decorated function for `method pattern`; `schema` lists the parameters Stripe accepts."""

        def decorator(handler):
            regex = re.compile("^" + re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", pattern) + "$")
            # Stripe accepts `expand` on every request except deletions.
            full_schema = {**({} if method == "DELETE" else {"expand": EXPAND}), **(schema or {})}
            self.routes.append(Route(method, pattern, regex, handler, full_schema))
            return handler

        return decorator

    def get(self, pattern: str, schema: dict[str, Field] | None = None):
        return self.add("GET", pattern, schema)

    def post(self, pattern: str, schema: dict[str, Field] | None = None):
        return self.add("POST", pattern, schema)

    def delete(self, pattern: str, schema: dict[str, Field] | None = None):
        return self.add("DELETE", pattern, schema)

    def match(self, method: str, path: str) -> tuple[Route, dict[str, str]] | None:
        # Literal segments win over placeholders: `/v1/customers/search` is not a customer id.
        candidates = sorted(self.routes, key=lambda route: route.pattern.count("{"))
        for route in candidates:
            if route.method != method:
                continue
            found = route.regex.match(path)
            if found:
                return route, found.groupdict()
        return None

    def find(self, method: str, pattern: str) -> Route:
        return next(route for route in self.routes if route.method == method and route.pattern == pattern)
