"""Pagination for /api/v1/ lists.

`CursorPagination` is the partner API's list shape, as Stripe's: newest first,
`?limit=` (1–100, default 20) and `?starting_after=<id of the last object you got>`, answered
`{"object": "list", "data": [...], "has_more": true}`. Keyset on the primary key, so a page costs
the same however deep it is and rows created meanwhile are neither skipped nor repeated. A view uses it with

    class CustomerListApi(generics.ListAPIView):
        pagination_class = CursorPagination
        cursor_field = "public_id"      # the id partners see; the queryset must be the partner's own rows

An unknown (or another partner's) `starting_after` is a 400 naming the parameter, never a 404 or a leak.

The catalogue lists (courses, mentors, coaches) are sorted by name, price or popularity rather than by
age: `OrderedCursorPagination` gives them the same shape, keyset over the queryset's own ordering
(which ends with the primary key), so `starting_after=<slug>` continues right after that object
whatever the sort.
"""

from __future__ import annotations

from django.db.models import Q
from rest_framework import serializers
from rest_framework.pagination import BasePagination
from rest_framework.response import Response

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
UNKNOWN_CURSOR = "No object with this id is in this list."


class _Params(serializers.Serializer):
    limit = serializers.IntegerField(required=False, default=DEFAULT_LIMIT, min_value=1, max_value=MAX_LIMIT)
    starting_after = serializers.RegexField(r"^[A-Za-z0-9_-]+$", required=False, max_length=64)


class CursorPagination(BasePagination):
    """Newest first by primary key; `limit`, `starting_after` (the view's `cursor_field` value), `has_more`."""

    def paginate_queryset(self, queryset, request, view=None):
        params = _Params(data=request.query_params)
        params.is_valid(raise_exception=True)
        limit = params.validated_data["limit"]
        queryset = queryset.order_by("-pk")
        after = params.validated_data.get("starting_after")
        if after is not None:
            field = getattr(view, "cursor_field", "pk")
            cursor_pk = queryset.filter(**{field: after}).values_list("pk", flat=True).first()
            if cursor_pk is None:
                raise serializers.ValidationError({"starting_after": [UNKNOWN_CURSOR]})
            queryset = queryset.filter(pk__lt=cursor_pk)
        rows = list(queryset[: limit + 1])
        self.has_more = len(rows) > limit
        return rows[:limit]

    def get_paginated_response(self, data):
        return Response({"object": "list", "data": data, "has_more": self.has_more})

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["object", "data", "has_more"],
            "properties": {
                "object": {"type": "string", "enum": ["list"]},
                "data": schema,
                "has_more": {"type": "boolean", "description": "Whether another page follows this one."},
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": "limit",
                "required": False,
                "in": "query",
                "description": f"How many objects, 1 to {MAX_LIMIT} (default {DEFAULT_LIMIT}).",
                "schema": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT},
            },
            {
                "name": "starting_after",
                "required": False,
                "in": "query",
                "description": "The id of the last object of the previous page; this page starts after it.",
                "schema": {"type": "string", "maxLength": 64, "pattern": "^[A-Za-z0-9_-]+$"},
            },
        ]


class NumericCursorPagination(CursorPagination):
    """CursorPagination over a numeric id (`cursor_field = "pk"`): a `starting_after` that is not a number is
    the same 400 as an unknown one, not a database error."""

    def paginate_queryset(self, queryset, request, view=None):
        after = request.query_params.get("starting_after")
        if after is not None and not (after.isascii() and after.isdigit() and len(after) <= 18):
            raise serializers.ValidationError({"starting_after": [UNKNOWN_CURSOR]})
        return super().paginate_queryset(queryset, request, view)


class OrderedCursorPagination(CursorPagination):
    """CursorPagination in the queryset's own order (`order_by(...)`, else the model's Meta.ordering), which
    must end with the primary key so every row has one place. `starting_after` is the view's `cursor_field`
    (a slug): the page holds the rows after that row in this order, found by one keyset filter, so rows
    added or re-priced meanwhile never repeat a row on the next page. NULLs sort as PostgreSQL sorts them
    (last ascending, first descending)."""

    def paginate_queryset(self, queryset, request, view=None):
        params = _Params(data=request.query_params)
        params.is_valid(raise_exception=True)
        limit = params.validated_data["limit"]
        ordering = list(queryset.query.order_by or queryset.model._meta.ordering)
        if not ordering or ordering[-1].lstrip("-") not in ("pk", "id"):
            raise ValueError(f"OrderedCursorPagination needs an ordering that ends with the primary key: {ordering}")
        after = params.validated_data.get("starting_after")
        if after is not None:
            names = [item.lstrip("-") for item in ordering]
            anchor = queryset.filter(**{getattr(view, "cursor_field", "pk"): after}).values(*names).first()
            if anchor is None:
                raise serializers.ValidationError({"starting_after": [UNKNOWN_CURSOR]})
            queryset = queryset.filter(rows_after(ordering, anchor))
        rows = list(queryset[: limit + 1])
        self.has_more = len(rows) > limit
        return rows[:limit]


def rows_after(ordering: list[str], anchor: dict) -> Q:
    """The keyset condition "comes after `anchor` in `ordering`": for each field, equal on the ones before it
    and past it on this one."""
    after = Q(pk__in=[])
    equal = Q()
    for item in ordering:
        name, descending = item.lstrip("-"), item.startswith("-")
        value = anchor[name]
        after |= equal & _past(name, value, descending=descending)
        equal &= Q(**{f"{name}__isnull": True}) if value is None else Q(**{name: value})
    return after


def _past(name: str, value, *, descending: bool) -> Q:
    if value is None:  # NULLs are last ascending (nothing is past them) and first descending (all others are)
        return Q(**{f"{name}__isnull": False}) if descending else Q(pk__in=[])
    if descending:
        return Q(**{f"{name}__lt": value})
    return Q(**{f"{name}__gt": value}) | Q(**{f"{name}__isnull": True})
