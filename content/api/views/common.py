"""Throttles and small request helpers shared by the content views."""

from rest_framework.pagination import LimitOffsetPagination

from core.throttling import ScopedThrottle


class PostCreateThrottle(ScopedThrottle):
    scope = "post_create"


class UploadThrottle(ScopedThrottle):
    scope = "upload"


class RankedPagination(LimitOffsetPagination):
    """Ranked lists (trending, search) are ordered by score, not by id: offset pages fit them."""

    default_limit = 20
    max_limit = 100


def viewer_of(request):
    user = request.user
    return user if user is not None and user.is_authenticated else None
