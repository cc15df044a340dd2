"""Pagination: cursor for feeds and timelines (stable under inserts), limit/offset for admin-like lists.

Ids are UUIDv7, so ordering by `-id` is ordering by creation time with a unique tiebreak.
"""

from rest_framework import pagination


class CursorPagination(pagination.CursorPagination):
    page_size = 20
    max_page_size = 100
    page_size_query_param = "limit"
    ordering = "-id"


class LimitOffsetPagination(pagination.LimitOffsetPagination):
    default_limit = 20
    max_limit = 100
