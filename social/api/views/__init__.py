from social.api.views.comments import CommentViewSet
from social.api.views.engagement import CollectionViewSet, PostEngagementViewSet, SaveViewSet, VideoEngagementViewSet
from social.api.views.feeds import FeedViewSet
from social.api.views.graph import FollowRequestViewSet, UserGraphViewSet
from social.api.views.reports import ReportViewSet

__all__ = [
    "CollectionViewSet",
    "CommentViewSet",
    "FeedViewSet",
    "FollowRequestViewSet",
    "PostEngagementViewSet",
    "ReportViewSet",
    "SaveViewSet",
    "UserGraphViewSet",
    "VideoEngagementViewSet",
]
