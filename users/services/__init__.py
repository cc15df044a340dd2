"""Every write on accounts, sessions and the social graph's raw edges (see docs/users.md)."""

from users.services.relationships import (
    block_create,
    block_delete,
    follow_create,
    follow_delete,
    follow_request_accept,
    follow_request_reject,
    follow_requests_accept_all,
    follower_remove,
    mute_create,
    mute_delete,
)

__all__ = [
    "block_create",
    "block_delete",
    "follow_create",
    "follow_delete",
    "follow_request_accept",
    "follow_request_reject",
    "follow_requests_accept_all",
    "follower_remove",
    "mute_create",
    "mute_delete",
]
