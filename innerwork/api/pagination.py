"""Pagination for /api/v1/ lists.

`CursorPagination` is the partner API's list shape, as Stripe's: newest first,
`?limit=` (1–100, default 20) and `?starting_after=<id of the last object you got>`, answered
`{"object": "list", "data": [...], "has_more": true}`. Keyset on the primary key, so a page costs
the same however deep it is and rows created meanwhile are neither skipped nor repeated. A view uses it with

    class CustomerListApi(generics.ListAPIView):
        pagination_class = CursorPagination
        cursor_field = "public_id"      # the id partners see; the queryset must be the partner's own rows

An unknown (or another partner's) `starting_after` is a 400 naming the parameter, never a 404 or a leak.

`PageNumberPagination` is kept for the catalogue lists (courses, mentors), which are sorted by
price, popularity or name rather than by age; a cursor over those orderings is a later change.
"""

from __future__ import annotations

from rest_framework import pagination, serializers
from rest_framework.response import Response

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
UNKNOWN_CURSOR = "No object with this id is in this list."


class PageNumberPagination(pagination.PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 100


class _Params(serializers.Serializer):
    limit = serializers.IntegerField(required=False, default=DEFAULT_LIMIT, min_value=1, max_value=MAX_LIMIT)
    starting_after = serializers.RegexField(r"^[A-Za-z0-9_-]+$", required=False, max_length=64)


class CursorPagination(pagination.BasePagination):
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
