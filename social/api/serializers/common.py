"""Shapes shared by several social endpoints: an account in a list, an item (post/video) summary."""

from django.core.files.storage import default_storage
from rest_framework import serializers


def storage_url(key: str) -> str | None:
    return default_storage.url(key) if key else None


class UserSummarySerializer(serializers.Serializer):
    id = serializers.UUIDField()
    username = serializers.CharField()
    display_name = serializers.CharField()
    avatar = serializers.SerializerMethodField()
    is_private = serializers.BooleanField()

    def get_avatar(self, obj) -> str | None:
        return obj.avatar.url if obj.avatar else None


class MediaSummarySerializer(serializers.Serializer):
    id = serializers.UUIDField()
    url = serializers.SerializerMethodField()
    thumbnail_url = serializers.SerializerMethodField()
    width = serializers.IntegerField()
    height = serializers.IntegerField()
    alt_text = serializers.CharField()

    def get_url(self, obj) -> str | None:
        return storage_url(obj.image)

    def get_thumbnail_url(self, obj) -> str | None:
        return storage_url(obj.thumbnail)


class PostSummarySerializer(serializers.Serializer):
    id = serializers.UUIDField()
    author = UserSummarySerializer()
    text = serializers.CharField()
    visibility = serializers.CharField()
    sensitive = serializers.BooleanField()
    content_warning = serializers.CharField()
    quote_of_id = serializers.UUIDField(allow_null=True)
    comment_policy = serializers.CharField()
    published_at = serializers.DateTimeField()
    edited_at = serializers.DateTimeField(allow_null=True)
    likes_count = serializers.IntegerField()
    comments_count = serializers.IntegerField()
    reposts_count = serializers.IntegerField()
    quotes_count = serializers.IntegerField()
    saves_count = serializers.IntegerField()


class VideoSummarySerializer(serializers.Serializer):
    id = serializers.UUIDField()
    author = UserSummarySerializer()
    title = serializers.CharField()
    description = serializers.CharField()
    visibility = serializers.CharField()
    age_restricted = serializers.BooleanField()
    duration_seconds = serializers.FloatField(allow_null=True)
    thumbnail_url = serializers.SerializerMethodField()
    comment_policy = serializers.CharField()
    published_at = serializers.DateTimeField()
    likes_count = serializers.IntegerField()
    comments_count = serializers.IntegerField()
    views_count = serializers.IntegerField()
    saves_count = serializers.IntegerField()

    def get_thumbnail_url(self, obj) -> str | None:
        return storage_url(obj.thumbnail_key)


class ItemRefSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["post", "video"])
    id = serializers.UUIDField()


class CountStateSerializer(serializers.Serializer):
    """The answer to a like/unlike: the viewer's state and the item's count after it."""

    liked = serializers.BooleanField()
    likes_count = serializers.IntegerField()
