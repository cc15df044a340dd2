from rest_framework import serializers

from social.api.serializers.common import UserSummarySerializer


class FollowInputSerializer(serializers.Serializer):
    hide_reposts = serializers.BooleanField(
        required=False, help_text="Keep this account's reposts out of my feed; sent again, it changes the option."
    )


class RelationshipSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    following = serializers.BooleanField()
    followed_by = serializers.BooleanField()
    requested = serializers.BooleanField(help_text="My follow request is waiting for their approval.")
    requested_by = serializers.BooleanField(help_text="They asked to follow me.")
    blocking = serializers.BooleanField()
    blocked_by = serializers.BooleanField(help_text="Always false: an account that blocked you answers 404.")
    muting = serializers.BooleanField()
    hiding_reposts = serializers.BooleanField()


class FollowResultSerializer(serializers.Serializer):
    status = serializers.CharField(help_text="following, or requested (a private account must approve).")
    relationship = RelationshipSerializer()


class FollowerEdgeSerializer(serializers.Serializer):
    """One account in a followers/following list (the edge id is the cursor's key)."""

    id = serializers.UUIDField()
    user = UserSummarySerializer()
    followed_at = serializers.DateTimeField(source="created_at")
    viewer_follows = serializers.BooleanField(help_text="Whether you follow this account.")


class FollowRequestSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    requester = UserSummarySerializer()
    created_at = serializers.DateTimeField()
