"""Every write of the social app (see docs/social.md)."""

from social.services.comments import (
    comment_create,
    comment_delete,
    comment_pin,
    comment_policy_allows,
    comment_unpin,
    comment_update,
)
from social.services.counters import engagement_counters_repair
from social.services.follows import (
    follow_request_approve,
    follow_request_decline,
    follow_user,
    follower_drop,
    unfollow_user,
)
from social.services.likes import like_create, like_delete
from social.services.reports import report_create
from social.services.saves import collection_create, collection_delete, collection_rename, save_create, save_delete

__all__ = [
    "collection_create",
    "collection_delete",
    "collection_rename",
    "comment_create",
    "comment_delete",
    "comment_pin",
    "comment_policy_allows",
    "comment_unpin",
    "comment_update",
    "engagement_counters_repair",
    "follow_request_approve",
    "follow_request_decline",
    "follow_user",
    "follower_drop",
    "like_create",
    "like_delete",
    "report_create",
    "save_create",
    "save_delete",
    "unfollow_user",
]
