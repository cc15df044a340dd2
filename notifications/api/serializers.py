"""Input and output serializers of the notifications API (kept apart: outputs never validate input)."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from notifications.catalogue import CHANNELS, NotificationType
from notifications.models import NotificationSettings, PushDevice


class ActorSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    username = serializers.CharField()
    display_name = serializers.CharField()
    avatar_url = serializers.SerializerMethodField()

    def get_avatar_url(self, user) -> str | None:
        return user.avatar.url if user.avatar else None


class TargetSerializer(serializers.Serializer):
    app = serializers.CharField()
    kind = serializers.CharField()
    id = serializers.CharField()
    snapshot = serializers.DictField()


class NotificationOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    type = serializers.ChoiceField(choices=NotificationType.choices)
    actor = ActorSerializer(allow_null=True)
    target = TargetSerializer(allow_null=True)
    data = serializers.DictField()
    group_key = serializers.CharField()
    is_read = serializers.BooleanField()
    read_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()


class NotificationGroupOutputSerializer(serializers.Serializer):
    group_key = serializers.CharField()
    type = serializers.ChoiceField(choices=NotificationType.choices)
    text = serializers.CharField(help_text='e.g. "ana and 12 others liked your post"')
    count = serializers.IntegerField()
    unread_count = serializers.IntegerField()
    actors = ActorSerializer(many=True, help_text="The latest actors, newest first (at most 3).")
    latest = NotificationOutputSerializer()


class UnreadCountOutputSerializer(serializers.Serializer):
    unread_count = serializers.IntegerField()


class ReadAllOutputSerializer(serializers.Serializer):
    marked = serializers.IntegerField()
    unread_count = serializers.IntegerField()


class ChannelSwitchesSerializer(serializers.Serializer):
    in_app = serializers.BooleanField(required=False)
    email = serializers.BooleanField(required=False)
    push = serializers.BooleanField(required=False)


def _channel_matrix_field(**kw):
    return serializers.DictField(child=ChannelSwitchesSerializer(), **kw)


@extend_schema_field({"type": "string", "pattern": r"^\d{2}:\d{2}(:\d{2})?$", "example": "22:00"})
class HourMinuteField(serializers.TimeField):
    """A time of day written "HH:MM" (the schema said RFC 3339 "time", which needs seconds)."""


class QuietHoursSerializer(serializers.Serializer):
    start = HourMinuteField(allow_null=True, format="%H:%M")
    end = HourMinuteField(allow_null=True, format="%H:%M")


class NotificationSettingsOutputSerializer(serializers.Serializer):
    channels = _channel_matrix_field(help_text="type → {in_app, email, push}")
    locked = serializers.DictField(
        child=serializers.ListField(child=serializers.ChoiceField(choices=CHANNELS)),
        help_text="Channels that cannot be switched off, per type.",
    )
    quiet_hours = QuietHoursSerializer()
    timezone = serializers.CharField(help_text="The account's timezone; quiet hours are read in it.")
    stranger_policy = serializers.ChoiceField(choices=NotificationSettings.StrangerPolicy.choices)
    stranger_min_account_age_days = serializers.IntegerField()
    email_digest = serializers.BooleanField()


class NotificationSettingsInputSerializer(serializers.Serializer):
    channels = _channel_matrix_field(required=False)
    quiet_hours = QuietHoursSerializer(required=False, allow_null=True)
    stranger_policy = serializers.ChoiceField(choices=NotificationSettings.StrangerPolicy.choices, required=False)
    stranger_min_account_age_days = serializers.IntegerField(min_value=0, max_value=365, required=False)
    email_digest = serializers.BooleanField(required=False)


class WebPushKeysSerializer(serializers.Serializer):
    p256dh = serializers.CharField(max_length=200)
    auth = serializers.CharField(max_length=100)


class WebPushSubscriptionSerializer(serializers.Serializer):
    endpoint = serializers.URLField(max_length=2048)
    keys = WebPushKeysSerializer()


class PushTokenInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=PushDevice.Kind.choices)
    platform = serializers.ChoiceField(choices=PushDevice.Platform.choices, required=False)
    token = serializers.CharField(max_length=2048, required=False, help_text="FCM registration token.")
    subscription = WebPushSubscriptionSerializer(
        required=False, help_text="Web Push subscription (PushSubscription.toJSON())."
    )

    def validate(self, attrs):
        if attrs["kind"] == PushDevice.Kind.FCM and not attrs.get("token"):
            raise serializers.ValidationError({"token": "An FCM token is required."})
        if attrs["kind"] == PushDevice.Kind.WEBPUSH and not attrs.get("subscription"):
            raise serializers.ValidationError({"subscription": "A Web Push subscription is required."})
        return attrs


class PushTokenDeleteInputSerializer(serializers.Serializer):
    token = serializers.CharField(max_length=2048, help_text="The FCM token or the Web Push endpoint.")


class PushDeviceOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    kind = serializers.CharField()
    platform = serializers.CharField()
    is_active = serializers.BooleanField()
    created_at = serializers.DateTimeField()


class NotificationRequestOutputSerializer(NotificationOutputSerializer):
    pass


def notification_types_help() -> str:
    return ", ".join(NotificationType.values)


class ReadAllInputSerializer(serializers.Serializer):
    group_key = serializers.CharField(required=False, allow_blank=True, help_text="Only this group.")
