from core.throttling import ScopedThrottle


class CommentCreateThrottle(ScopedThrottle):
    """Comment spam is the cheapest abuse; limited like post creation."""

    scope = "post_create"


class ReportCreateThrottle(ScopedThrottle):
    scope = "post_create"
