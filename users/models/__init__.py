from users.models.account import AccountEvent, DataExport
from users.models.auth import ApiKey, BackupCode, MfaChallenge, OneTimeToken, UserSession
from users.models.relationships import Block, Follow, FollowRequest, Mute
from users.models.user import User, UserQuerySet

__all__ = [
    "AccountEvent",
    "ApiKey",
    "BackupCode",
    "Block",
    "DataExport",
    "Follow",
    "FollowRequest",
    "MfaChallenge",
    "Mute",
    "OneTimeToken",
    "User",
    "UserQuerySet",
    "UserSession",
]
