from social.api.serializers.common import (
    CountStateSerializer,
    PostSummarySerializer,
    UserSummarySerializer,
    VideoSummarySerializer,
)
from social.api.serializers.engagement import (
    CollectionInputSerializer,
    CollectionOutputSerializer,
    CommentInputSerializer,
    CommentOutputSerializer,
    CommentUpdateSerializer,
    LikeSerializer,
    ReportInputSerializer,
    ReportOutputSerializer,
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
    "ReportInputSerializer",
    "ReportOutputSerializer",
    "SaveInputSerializer",
    "SaveOutputSerializer",
    "SaveStateSerializer",
    "UserSummarySerializer",
    "VideoSummarySerializer",
]
