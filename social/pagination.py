"""Keyset (seek) pagination over several ordering columns, e.g. (published_at, id) or (like_count, id).

DRF's CursorPagination positions on the first ordering column only and walks ties with an offset,
which degrades when many rows share a value (thousands of comments with 0 likes). Here the cursor
carries every ordering value of the last row, and the next page is "rows strictly after that tuple",
which an index on the same columns answers directly. Only forward pages (`next`) are offered.
"""

import base64
import datetime
import json
import uuid
from collections.abc import Sequence

from django.db.models import Q
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

from core.exceptions import ValidationFailed

CURSOR_PARAM = "cursor"
LIMIT_PARAM = "limit"
DEFAULT_LIMIT = 20
MAX_LIMIT = 100


def _encode_value(value):
    if isinstance(value, datetime.datetime):
        return {"t": value.isoformat()}
    if isinstance(value, uuid.UUID):
        return {"u": str(value)}
    return value


def _decode_value(value):
    if isinstance(value, dict):
        if "t" in value:
            return datetime.datetime.fromisoformat(value["t"])
        if "u" in value:
            return uuid.UUID(value["u"])
    return value


def encode_cursor(values: Sequence) -> str:
    raw = json.dumps([_encode_value(v) for v in values], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(token: str, size: int) -> list:
    try:
        padded = token + "=" * (-len(token) % 4)
        values = [_decode_value(v) for v in json.loads(base64.urlsafe_b64decode(padded.encode()))]
    except (ValueError, TypeError, KeyError):
        raise ValidationFailed("Invalid cursor.", errors={CURSOR_PARAM: ["Invalid cursor."]})
    if len(values) != size:
        raise ValidationFailed("Invalid cursor.", errors={CURSOR_PARAM: ["Invalid cursor."]})
    return values


def after_q(fields: Sequence[str], values: Sequence, *, descending: bool = True) -> Q:
    """Rows strictly after `values` in the order of `fields` (all descending or all ascending)."""
    op = "lt" if descending else "gt"
    condition = Q()
    for i, field in enumerate(fields):
        term = Q(**{f"{f}": values[j] for j, f in enumerate(fields[:i])}) & Q(**{f"{field}__{op}": values[i]})
        condition |= term
    return condition


def page_limit(request) -> int:
    raw = request.query_params.get(LIMIT_PARAM)
    if raw in (None, ""):
        return DEFAULT_LIMIT
    try:
        limit = int(raw)
    except ValueError:
        raise ValidationFailed(errors={LIMIT_PARAM: ["A whole number is required."]})
    return max(1, min(limit, MAX_LIMIT))


def request_cursor(request, size: int) -> list | None:
    token = request.query_params.get(CURSOR_PARAM)
    return decode_cursor(token, size) if token else None


def next_link(request, values: Sequence | None) -> str | None:
    if values is None:
        return None
    return replace_query_param(request.build_absolute_uri(), CURSOR_PARAM, encode_cursor(values))


def paginated_response(request, results: list, next_values: Sequence | None) -> Response:
    """The same envelope as core.pagination.CursorPagination: next, previous, results."""
    return Response({"next": next_link(request, next_values), "previous": None, "results": results})


class KeysetPage:
    """Slice a queryset ordered by `fields` into one page for `request`."""

    def __init__(self, fields: Sequence[str], *, descending: bool = True):
        self.fields = list(fields)
        self.descending = descending

    def order_by(self) -> list[str]:
        return [f"-{f}" if self.descending else f for f in self.fields]

    def rows(self, request, queryset) -> tuple[list, list | None]:
        """(rows of this page, values for the next cursor or None on the last page)."""
        limit = page_limit(request)
        cursor = request_cursor(request, len(self.fields))
        if cursor is not None:
            queryset = queryset.filter(after_q(self.fields, cursor, descending=self.descending))
        rows = list(queryset.order_by(*self.order_by())[: limit + 1])
        if len(rows) <= limit:
            return rows, None
        rows = rows[:limit]
        return rows, [getattr(rows[-1], f) for f in self.fields]
