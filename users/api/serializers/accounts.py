"""Account serializers: profiles out, profile edits in."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from users.models import User


class UserCardSerializer(serializers.ModelSerializer):
    """The smallest public card of an account (lists, embeds)."""

    avatar_url = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "username", "display_name", "avatar_url", "role", "is_private"]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_avatar_url(self, obj) -> str | None:
        if not obj.avatar:
            return None
        url = obj.avatar.url
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request is not None and url.startswith("/") else url


class UserPublicSerializer(UserCardSerializer):
    """What anyone may see of an account. Never the email."""

    is_verified = serializers.BooleanField(source="is_email_verified", read_only=True)
    # A URL or "" when unset: the model's URLField made the schema promise format "uri", which "" breaks.
    website = serializers.CharField(read_only=True, help_text="The profile's website URL, or empty.")

    class Meta(UserCardSerializer.Meta):
        fields = [
            *UserCardSerializer.Meta.fields,
            "bio",
            "website",
            "location",
            "is_verified",
            "followers_count",
            "following_count",
            "posts_count",
            "videos_count",
            "created_at",
        ]
        read_only_fields = fields


class UserMeSerializer(UserPublicSerializer):
    """The owner's own view: private settings and account state included."""

    class Meta(UserPublicSerializer.Meta):
        fields = [
            *UserPublicSerializer.Meta.fields,
            "email",
            "status",
            "suspended_until",
            "email_verified_at",
            "two_factor_enabled",
            "country",
            "language",
            "birth_date",
            "timezone",
            "is_staff",
            "deletion_due_at",
        ]
        read_only_fields = fields


class UserUpdateInputSerializer(serializers.Serializer):
    """Editable fields only: role, status, counters, email and staff flags are not accepted here
    (unknown fields are ignored, so a client sending back its whole profile changes nothing else)."""

    username = serializers.CharField(max_length=30, required=False)
    display_name = serializers.CharField(max_length=80, required=False, allow_blank=True)
    bio = serializers.CharField(max_length=500, required=False, allow_blank=True)
    website = serializers.URLField(max_length=200, required=False, allow_blank=True)
    location = serializers.CharField(max_length=100, required=False, allow_blank=True)
    country = serializers.RegexField(r"^[A-Z]{2}$", required=False, allow_blank=True)
    language = serializers.RegexField(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$", required=False, allow_blank=True)
    birth_date = serializers.DateField(required=False, allow_null=True)
    timezone = serializers.CharField(max_length=64, required=False)
    is_private = serializers.BooleanField(required=False)

    def validate_timezone(self, value):
        import zoneinfo

        if value not in zoneinfo.available_timezones():
            raise serializers.ValidationError("Unknown time zone.")
        return value


class AvatarInputSerializer(serializers.Serializer):
    avatar = serializers.FileField()


class PasswordInputSerializer(serializers.Serializer):
    password = serializers.CharField(write_only=True, trim_whitespace=False)


class DataExportSerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    status = serializers.CharField(read_only=True)
    size_bytes = serializers.IntegerField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)
    finished_at = serializers.DateTimeField(read_only=True, allow_null=True)
    download_url = serializers.SerializerMethodField()

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_download_url(self, obj) -> str | None:
        if obj.status != "ready":
            return None
        path = f"/api/v1/users/me/exports/{obj.pk}/download"
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


class BlockSerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    user = UserCardSerializer(source="blocked", read_only=True)
    created_at = serializers.DateTimeField(read_only=True)


class MuteSerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    user = UserCardSerializer(source="muted", read_only=True)
    expires_at = serializers.DateTimeField(read_only=True, allow_null=True)
    created_at = serializers.DateTimeField(read_only=True)


class MuteInputSerializer(serializers.Serializer):
    duration = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=60,
        max_value=366 * 24 * 3600,
        help_text="Seconds; empty: until unmuted.",
    )
