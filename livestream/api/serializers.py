"""Input and output shapes of the streams API (kept apart: inputs validate, outputs present)."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from livestream.models import CHAT_MESSAGE_MAX_LENGTH, ChatMessage, ChatModerationAction, Stream, StreamModerator


class UserBriefSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    username = serializers.CharField()
    display_name = serializers.CharField(source="name")


class ChatSettingsFields(serializers.Serializer):
    slow_mode_seconds = serializers.IntegerField(min_value=0, max_value=3600, required=False)
    followers_only_chat = serializers.BooleanField(required=False)
    subscribers_only_chat = serializers.BooleanField(required=False)
    min_account_age_minutes = serializers.IntegerField(min_value=0, max_value=60 * 24 * 90, required=False)
    banned_words = serializers.ListField(child=serializers.CharField(max_length=50), max_length=200, required=False)


class StreamCreateInputSerializer(ChatSettingsFields):
    title = serializers.CharField(max_length=140)
    description = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    category = serializers.ChoiceField(choices=Stream.Category.choices, default=Stream.Category.OTHER)
    visibility = serializers.ChoiceField(choices=Stream.Visibility.choices, default=Stream.Visibility.PUBLIC)
    min_tier = serializers.UUIDField(required=False, allow_null=True)
    scheduled_for = serializers.DateTimeField(required=False, allow_null=True)
    latency = serializers.ChoiceField(choices=Stream.Latency.choices, default=Stream.Latency.LOW)
    record = serializers.BooleanField(default=False)


class StreamUpdateInputSerializer(ChatSettingsFields):
    title = serializers.CharField(max_length=140, required=False)
    description = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    category = serializers.ChoiceField(choices=Stream.Category.choices, required=False)
    visibility = serializers.ChoiceField(choices=Stream.Visibility.choices, required=False)
    min_tier = serializers.UUIDField(required=False, allow_null=True)
    scheduled_for = serializers.DateTimeField(required=False, allow_null=True)
    latency = serializers.ChoiceField(choices=Stream.Latency.choices, required=False)
    record = serializers.BooleanField(required=False)


class ChatSettingsInputSerializer(ChatSettingsFields):
    pass


class ChatMessageOutputSerializer(serializers.ModelSerializer):
    user = UserBriefSerializer(allow_null=True)

    class Meta:
        model = ChatMessage
        fields = ["id", "kind", "user", "body", "data", "created_at"]


class StreamOutputSerializer(serializers.ModelSerializer):
    """What any viewer sees; `playback_url` is null unless the viewer may watch (see `can_watch`)."""

    host = UserBriefSerializer()
    min_tier = serializers.UUIDField(source="min_tier_id", allow_null=True)
    playback_url = serializers.SerializerMethodField()
    can_watch = serializers.SerializerMethodField()
    pinned_message = serializers.SerializerMethodField()
    replay_video = serializers.SerializerMethodField()

    class Meta:
        model = Stream
        fields = [
            "id", "host", "title", "description", "category", "visibility", "min_tier", "scheduled_for",
            "latency", "record", "status", "started_at", "ended_at", "current_viewers", "peak_viewers",
            "can_watch", "playback_url", "slow_mode_seconds", "followers_only_chat", "subscribers_only_chat",
            "min_account_age_minutes", "pinned_message", "replay_video", "created_at",
        ]  # fmt: skip

    def _watchable(self, obj) -> bool:
        return obj.pk in self.context.get("watchable_ids", set())

    def get_can_watch(self, obj) -> bool:
        return self._watchable(obj)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_playback_url(self, obj):
        return obj.playback_url if self._watchable(obj) else None

    @extend_schema_field(ChatMessageOutputSerializer(allow_null=True))
    def get_pinned_message(self, obj):
        message = obj.pinned_message
        if message is None or message.deleted_at is not None or not self._watchable(obj):
            return None
        return ChatMessageOutputSerializer(message).data

    @extend_schema_field(serializers.UUIDField(allow_null=True))
    def get_replay_video(self, obj):
        return str(obj.replay_video_id) if getattr(obj, "replay_video_id", None) else None


class StreamHostOutputSerializer(StreamOutputSerializer):
    """The host's view: ingest details, banned words, the summary (the key itself only via /key)."""

    class Meta(StreamOutputSerializer.Meta):
        fields = [*StreamOutputSerializer.Meta.fields, "provider", "ingest_endpoint", "banned_words", "summary"]

    def get_can_watch(self, obj) -> bool:
        return True

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_playback_url(self, obj):
        return obj.playback_url


class StreamWithKeyOutputSerializer(StreamHostOutputSerializer):
    stream_key = serializers.SerializerMethodField()

    class Meta(StreamHostOutputSerializer.Meta):
        fields = [*StreamHostOutputSerializer.Meta.fields, "stream_key"]

    def get_stream_key(self, obj) -> str:
        return self.context["stream_key"]


class StreamKeyOutputSerializer(serializers.Serializer):
    ingest_endpoint = serializers.CharField()
    stream_key = serializers.CharField()


class ChatHistoryOutputSerializer(serializers.Serializer):
    results = ChatMessageOutputSerializer(many=True)
    next_before = serializers.UUIDField(allow_null=True)


class ChatSendInputSerializer(serializers.Serializer):
    # Length and emptiness are checked by the service (the socket path needs the same rule).
    body = serializers.CharField(max_length=CHAT_MESSAGE_MAX_LENGTH * 4, allow_blank=True, trim_whitespace=False)


class UserRefInputSerializer(serializers.Serializer):
    user = serializers.CharField(max_length=64, help_text="User id or username.")


class TimeoutInputSerializer(UserRefInputSerializer):
    minutes = serializers.IntegerField(min_value=1, max_value=7 * 24 * 60)
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class BanInputSerializer(UserRefInputSerializer):
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class ModeratorOutputSerializer(serializers.ModelSerializer):
    user = UserBriefSerializer()

    class Meta:
        model = StreamModerator
        fields = ["id", "user", "created_at"]


class ModerationActionOutputSerializer(serializers.ModelSerializer):
    actor = UserBriefSerializer()
    target_user = UserBriefSerializer(allow_null=True)

    class Meta:
        model = ChatModerationAction
        fields = ["id", "action", "actor", "target_user", "target_message_id", "data", "created_at"]


class DonationTotalSerializer(serializers.Serializer):
    currency = serializers.CharField()
    total_amount = serializers.IntegerField()
    count = serializers.IntegerField()


class AnalyticsOutputSerializer(serializers.Serializer):
    status = serializers.CharField()
    current_viewers = serializers.IntegerField()
    peak_viewers = serializers.IntegerField()
    unique_viewers = serializers.IntegerField()
    signed_in_viewers = serializers.IntegerField()
    sessions = serializers.IntegerField()
    watch_seconds_total = serializers.IntegerField()
    watch_seconds_average = serializers.IntegerField()
    chat_messages = serializers.IntegerField()
    donations = DonationTotalSerializer(many=True)
    duration_seconds = serializers.IntegerField(allow_null=True)


class IvsEventInputSerializer(serializers.Serializer):
    """An EventBridge event for IVS (`detail-type` "IVS Stream State Change" / "IVS Recording State Change")."""

    resources = serializers.ListField(child=serializers.CharField(max_length=255), allow_empty=True)
    detail = serializers.DictField()


class ClearedOutputSerializer(serializers.Serializer):
    hidden = serializers.IntegerField()


class RtmpCallbackInputSerializer(serializers.Serializer):
    """nginx-rtmp's notify form (`call`, `name`, `app`, `addr`, ...); unknown fields are ignored."""

    call = serializers.ChoiceField(choices=["publish", "publish_done"])
    name = serializers.CharField(max_length=255)
