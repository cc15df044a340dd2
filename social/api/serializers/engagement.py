from rest_framework import serializers

from social.api.serializers.common import PostSummarySerializer, UserSummarySerializer, VideoSummarySerializer
from social.models import Save, SaveCollection
from social.models.comments import COMMENT_MAX_LENGTH
from social.models.reports import ReportCategory, ReportTargetType


class LikeSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    user = UserSummarySerializer()
    created_at = serializers.DateTimeField()


class CommentInputSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=COMMENT_MAX_LENGTH, trim_whitespace=True)
    parent = serializers.UUIDField(required=False, allow_null=True, help_text="The comment this replies to.")


class CommentUpdateSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=COMMENT_MAX_LENGTH, trim_whitespace=True)


class CommentOutputSerializer(serializers.Serializer):
    """A comment; a removed one that still holds replies shows no author and no text."""

    id = serializers.UUIDField()
    item = serializers.SerializerMethodField()
    parent_id = serializers.UUIDField(allow_null=True)
    author = serializers.SerializerMethodField()
    text = serializers.SerializerMethodField()
    is_removed = serializers.SerializerMethodField()
    is_pinned = serializers.SerializerMethodField()
    like_count = serializers.IntegerField()
    reply_count = serializers.IntegerField()
    edited_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()
    viewer_liked = serializers.SerializerMethodField()

    def get_item(self, obj) -> dict:
        return {"kind": obj.target_kind, "id": str(obj.target_id)}

    def get_author(self, obj) -> dict | None:
        return None if obj.is_deleted else UserSummarySerializer(obj.author).data

    def get_text(self, obj) -> str:
        return "" if obj.is_deleted else obj.text

    def get_is_removed(self, obj) -> bool:
        return obj.is_deleted

    def get_is_pinned(self, obj) -> bool:
        return obj.pinned_at is not None

    def get_viewer_liked(self, obj) -> bool:
        return bool(getattr(obj, "viewer_liked", False))


class SaveInputSerializer(serializers.Serializer):
    collection = serializers.UUIDField(required=False, allow_null=True, help_text="File it in this collection.")


class SaveOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    collection_id = serializers.UUIDField(allow_null=True)
    created_at = serializers.DateTimeField()
    kind = serializers.SerializerMethodField()
    post = serializers.SerializerMethodField()
    video = serializers.SerializerMethodField()

    def get_kind(self, obj: Save) -> str:
        return "post" if obj.post_id else "video"

    def get_post(self, obj: Save) -> dict | None:
        return PostSummarySerializer(obj.post).data if obj.post_id else None

    def get_video(self, obj: Save) -> dict | None:
        return VideoSummarySerializer(obj.video).data if obj.video_id else None


class SaveStateSerializer(serializers.Serializer):
    saved = serializers.BooleanField()
    collection_id = serializers.UUIDField(allow_null=True)


class CollectionInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=60)


class CollectionOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    items_count = serializers.IntegerField(default=0)
    created_at = serializers.DateTimeField()

    class Meta:
        model = SaveCollection


class AbuseReportInputSerializer(serializers.Serializer):
    target_type = serializers.ChoiceField(choices=ReportTargetType.choices)
    target_id = serializers.UUIDField()
    category = serializers.ChoiceField(choices=ReportCategory.choices)
    text = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    related_ids = serializers.ListField(child=serializers.UUIDField(), required=False, max_length=20, default=list)


class AbuseReportOutputSerializer(serializers.Serializer):
    """One of the viewer's reports and where its case stands (open, resolved, dismissed)."""

    id = serializers.UUIDField()
    target_type = serializers.CharField()
    target_id = serializers.UUIDField()
    category = serializers.CharField()
    text = serializers.CharField()
    related_ids = serializers.ListField(child=serializers.UUIDField())
    status = serializers.CharField(source="case.status")
    resolved_at = serializers.DateTimeField(source="case.resolved_at", allow_null=True)
    created_at = serializers.DateTimeField()
