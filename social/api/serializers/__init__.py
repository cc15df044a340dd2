from social.api.serializers.common import (
    CountStateSerializer,
    PostSummarySerializer,
    UserSummarySerializer,
    VideoSummarySerializer,
)
from social.api.serializers.engagement import (
    AbuseReportInputSerializer,
    AbuseReportOutputSerializer,
    CollectionInputSerializer,
    CollectionOutputSerializer,
    CommentInputSerializer,
    CommentOutputSerializer,
    CommentUpdateSerializer,
    LikeSerializer,
    SaveInputSerializer,
    SaveOutputSerializer,
    SaveStateSerializer,
)
from social.api.serializers.feeds import FeedItemSerializer, FeedPageSerializer
from social.api.serializers.graph import (
    FollowerEdgeSerializer,
    FollowInputSerializer,
    FollowRequestSerializer,
    FollowResultSerializer,
    RelationshipSerializer,
)

__all__ = [
    "CollectionInputSerializer",
    "CollectionOutputSerializer",
    "CommentInputSerializer",
    "CommentOutputSerializer",
    "CommentUpdateSerializer",
    "CountStateSerializer",
    "FeedItemSerializer",
    "FeedPageSerializer",
    "FollowInputSerializer",
    "FollowRequestSerializer",
    "FollowResultSerializer",
    "FollowerEdgeSerializer",
    "LikeSerializer",
    "PostSummarySerializer",
    "RelationshipSerializer",
    "AbuseReportInputSerializer",
    "AbuseReportOutputSerializer",
    "SaveInputSerializer",
    "SaveOutputSerializer",
    "SaveStateSerializer",
    "UserSummarySerializer",
    "VideoSummarySerializer",
]
