"""Lists (`limit`, `starting_after`, `ending_before`, `has_more`, `url`) and search (`query`, `page`)."""

from __future__ import annotations

import base64
import re
from typing import TYPE_CHECKING, Any

from stripe_emulator import errors
from stripe_emulator.errors import StripeError
from stripe_emulator.objects import list_object

if TYPE_CHECKING:
    from stripe_emulator.context import Ctx

DEFAULT_LIMIT = 10


def _limit(ctx: Ctx) -> int:
    limit = ctx.params.get("limit")
    if limit is None:
        return DEFAULT_LIMIT
    if not 1 <= limit <= 100:
        raise StripeError(errors.INVALID_LIMIT, param="limit")
    return limit


def paginate(ctx: Ctx, items: list[dict], *, url: str, noun: str) -> dict:
    """One page of `items` (already in Stripe's order) as a list object."""
    limit = _limit(ctx)
    after, before = ctx.params.get("starting_after"), ctx.params.get("ending_before")
    if after and before:
        raise errors.only_one_of("starting_after", "ending_before")
    ids = [item["id"] for item in items]
    if after:
        if after not in ids:
            raise errors.no_such(noun, after, param="starting_after")
        start = ids.index(after) + 1
        page, has_more = items[start : start + limit], len(items) > start + limit
    elif before:
        if before not in ids:
            raise errors.no_such(noun, before, param="ending_before")
        end = ids.index(before)
        start = max(0, end - limit)
        page, has_more = items[start:end], start > 0
    else:
        page, has_more = items[:limit], len(items) > limit
    return list_object(page, url, has_more=has_more)


def match_fields(item: dict, **expected: Any) -> bool:
    """True when every given (not None) filter equals the item's field; dotted names reach into hashes."""
    for name, wanted in expected.items():
        if wanted is None:
            continue
        value: Any = item
        for part in name.split("__"):
            value = value.get(part) if isinstance(value, dict) else None
        if value != wanted:
            return False
    return True


# -- search ------------------------------------------------------------------------------------
_CLAUSE = re.compile(
    r"""^\s*(?P<neg>-)?(?P<field>metadata\[(?P<q>['"])(?P<key>[^'"]+)(?P=q)\]|[a-z_][a-z0-9_.]*)\s*"""
    r"""(?P<op>:|~|>=|<=|>|<)\s*(?P<value>'[^']*'|"[^"]*"|[^\s'"]+)\s*$"""
)
INVALID_QUERY = "Invalid search query: {query}"


def _clause_matches(item: dict, clause: re.Match, fields: set[str]) -> bool:
    field, op, raw = clause["field"], clause["op"], clause["value"]
    if clause["key"] is not None:
        value: Any = (item.get("metadata") or {}).get(clause["key"])
    else:
        value = item
        for part in field.split("."):
            value = value.get(part) if isinstance(value, dict) else None
    quoted = raw[0] in "'\""
    wanted = raw[1:-1] if quoted else raw
    if not quoted and wanted == "null":
        result = value is None
    elif op == ":":
        result = str(value).lower() == wanted.lower() if value is not None else False
    elif op == "~":
        result = value is not None and wanted.lower() in str(value).lower()
    else:
        try:
            number = float(wanted)
        except ValueError:
            raise StripeError(INVALID_QUERY.format(query=raw), param="query") from None
        if not isinstance(value, (int, float)):
            return False
        result = {">": value > number, "<": value < number, ">=": value >= number, "<=": value <= number}[op]
    return not result if clause["neg"] else result


def search(ctx: Ctx, items: list[dict], *, url: str, fields: set[str]) -> dict:
    """Stripe's search query language (`email:'a@b.c' AND metadata['k']:'v'`) over `items`, page by page."""
    query = ctx.params.get("query")
    if not query:
        raise errors.missing("query")
    joiner = " OR " if " OR " in query else " AND "
    if " OR " in query and " AND " in query:
        raise StripeError("Search queries cannot mix AND and OR.", param="query")
    clauses = []
    for part in query.split(joiner):
        clause = _CLAUSE.match(part)
        if clause is None:
            raise StripeError(INVALID_QUERY.format(query=part.strip()), param="query")
        if clause["key"] is None and clause["field"] not in fields:
            raise StripeError(f"Field `{clause['field']}` is an unsupported search field.", param="query")
        clauses.append(clause)
    combine = any if joiner == " OR " else all
    found = [item for item in items if combine(_clause_matches(item, clause, fields) for clause in clauses)]
    limit = _limit(ctx)
    offset = 0
    if ctx.params.get("page"):
        try:
            offset = int(base64.urlsafe_b64decode(ctx.params["page"].encode()).decode())
        except ValueError:
            raise StripeError("Invalid page token.", param="page") from None
    page = found[offset : offset + limit]
    has_more = len(found) > offset + limit
    next_page = base64.urlsafe_b64encode(str(offset + limit).encode()).decode() if has_more else None
    return {"object": "search_result", "data": page, "has_more": has_more, "next_page": next_page, "url": url}
