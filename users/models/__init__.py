from users.models.relationships import Block, Follow, FollowRequest, Mute
from users.models.user import User, UserQuerySet

__all__ = ["Block", "Follow", "FollowRequest", "Mute", "User", "UserQuerySet"]
