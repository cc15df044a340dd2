from rest_framework import serializers

from social.api.serializers.common import (
    MediaSummarySerializer,
    PostSummarySerializer,
    UserSummarySerializer,
    VideoSummarySerializer,
)


class ReasonSerializer(serializers.Serializer):
    type = serializers.ChoiceField(
        choices=["following", "own", "own_repost", "repost", "latest", "trending", "promoted"]
    )
    text = serializers.CharField(help_text='Why this is here: "you follow @ana", "reposted by @ben", ...')
    user = UserSummarySerializer(allow_null=True, required=False)
    hashtag = serializers.CharField(required=False)


class ViewerStateSerializer(serializers.Serializer):
    liked = serializers.BooleanField()
    saved = serializers.BooleanField()
    reposted = serializers.BooleanField()


class FeedPostSerializer(PostSummarySerializer):
    media = MediaSummarySerializer(many=True, source="feed_media")


class FeedItemSerializer(serializers.Serializer):
    """One timeline entry: a post (possibly through a repost) or a video, why it is here, and your state."""

    kind = serializers.ChoiceField(choices=["post", "video"])
    id = serializers.UUIDField(help_text="The timeline row: the repost's id for a repost.")
    reason = ReasonSerializer()
    reposted_by = UserSummarySerializer(allow_null=True)
    post = FeedPostSerializer(allow_null=True)
    video = VideoSummarySerializer(allow_null=True)
    viewer = ViewerStateSerializer()
    published_at = serializers.DateTimeField()

    def to_representation(self, item):
        return {
            "kind": item.kind,
            "id": str(item.row.pk),
            "reason": ReasonSerializer(item.reason).data,
            "reposted_by": UserSummarySerializer(item.reposted_by).data if item.reposted_by else None,
            "post": self._post(item),
            "video": VideoSummarySerializer(item.item).data if item.kind == "video" else None,
            "viewer": {
                "liked": bool(item.item.viewer_liked),
                "saved": bool(item.item.viewer_saved),
                "reposted": bool(item.item.viewer_reposted),
            },
            "published_at": serializers.DateTimeField().to_representation(item.row.published_at),
        }

    def _post(self, item):
        if item.kind != "post":
            return None
        item.item.feed_media = item.media
        return FeedPostSerializer(item.item).data


class FeedPageSerializer(serializers.Serializer):
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = FeedItemSerializer(many=True)
