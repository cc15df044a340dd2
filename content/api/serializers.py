"""Input and output serializers of the content API (kept apart: inputs validate, outputs render)."""

from django.core.files.storage import default_storage
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from content.media import playback
from content.models import CommentPolicy, Hashtag, MediaImage, Post, PostEdit, PostVisibility, Video, VideoVisibility
from payments.models import Tier
from users.api.serializers.accounts import UserCardSerializer


def _absolute(request, url: str) -> str:
    return request.build_absolute_uri(url) if request is not None and url.startswith("/") else url


# -- inputs -----------------------------------------------------------------------------------------
class MediaImageInputSerializer(serializers.Serializer):
    file = serializers.FileField()
    alt_text = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")


class PostCreateInputSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=5000, trim_whitespace=True)
    media = serializers.ListField(child=serializers.UUIDField(), max_length=10, required=False, default=list)
    visibility = serializers.ChoiceField(choices=PostVisibility.choices, default=PostVisibility.PUBLIC)
    min_tier = serializers.PrimaryKeyRelatedField(queryset=Tier.objects.all(), required=False, allow_null=True)
    sensitive = serializers.BooleanField(default=False)
    content_warning = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    scheduled_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    quote_of = serializers.UUIDField(required=False, allow_null=True, default=None)
    allow_quotes = serializers.BooleanField(default=True)
    comment_policy = serializers.ChoiceField(choices=CommentPolicy.choices, default=CommentPolicy.EVERYONE)


class PostUpdateInputSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=5000, required=False)
    visibility = serializers.ChoiceField(choices=PostVisibility.choices, required=False)
    min_tier = serializers.PrimaryKeyRelatedField(queryset=Tier.objects.all(), required=False, allow_null=True)
    sensitive = serializers.BooleanField(required=False)
    content_warning = serializers.CharField(max_length=200, required=False, allow_blank=True)
    allow_quotes = serializers.BooleanField(required=False)
    comment_policy = serializers.ChoiceField(choices=CommentPolicy.choices, required=False)


class VideoMetadataFields(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    tags = serializers.ListField(
        child=serializers.CharField(max_length=50), max_length=30, required=False, default=list
    )
    category = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    language = serializers.CharField(max_length=8, required=False, allow_blank=True, default="")
    visibility = serializers.ChoiceField(choices=VideoVisibility.choices, default=VideoVisibility.PUBLIC)
    min_tier = serializers.PrimaryKeyRelatedField(queryset=Tier.objects.all(), required=False, allow_null=True)
    age_restricted = serializers.BooleanField(default=False)
    comments_enabled = serializers.BooleanField(default=True)
    comment_policy = serializers.ChoiceField(choices=CommentPolicy.choices, default=CommentPolicy.EVERYONE)
    scheduled_at = serializers.DateTimeField(required=False, allow_null=True, default=None)


class VideoCreateInputSerializer(VideoMetadataFields):
    filename = serializers.CharField(max_length=255)
    size = serializers.IntegerField(min_value=1)
    content_type = serializers.CharField(max_length=100)


class VideoUpdateInputSerializer(VideoMetadataFields):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():  # PATCH: every field optional, no defaults applied
            field.required = False
            field.default = serializers.empty


class VideoUploadPartInputSerializer(serializers.Serializer):
    part_number = serializers.IntegerField(min_value=1)
    etag = serializers.CharField(max_length=80)


class VideoUploadCompleteInputSerializer(serializers.Serializer):
    parts = VideoUploadPartInputSerializer(many=True)


class VideoHeartbeatInputSerializer(serializers.Serializer):
    session_id = serializers.CharField(max_length=40)
    position = serializers.FloatField(min_value=0)
    watched_seconds = serializers.FloatField(min_value=0, max_value=120)


class ContentSearchInputSerializer(serializers.Serializer):
    q = serializers.CharField(max_length=200)
    type = serializers.ChoiceField(choices=["posts", "videos", "users", "hashtags"], default="posts")


class ContentListByAuthorInputSerializer(serializers.Serializer):
    author = serializers.CharField(required=False, max_length=64)


# -- outputs ----------------------------------------------------------------------------------------
class MediaImageOutputSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    thumbnail_url = serializers.SerializerMethodField()

    class Meta:
        model = MediaImage
        fields = ["id", "url", "thumbnail_url", "width", "height", "size_bytes", "format", "alt_text", "created_at"]
        read_only_fields = fields

    def get_url(self, obj) -> str:
        return _absolute(self.context.get("request"), default_storage.url(obj.image))

    def get_thumbnail_url(self, obj) -> str:
        return _absolute(self.context.get("request"), default_storage.url(obj.thumbnail))


class EmbeddedPostOutputSerializer(serializers.ModelSerializer):
    """A post shown inside another (the reposted or quoted one), one level deep."""

    author = UserCardSerializer(read_only=True)
    media = MediaImageOutputSerializer(many=True, read_only=True)

    class Meta:
        model = Post
        fields = [
            "id", "author", "text", "visibility", "sensitive", "content_warning", "published_at", "edited_at",
            "media", "likes_count", "comments_count", "reposts_count", "quotes_count", "allow_quotes",
        ]  # fmt: skip
        read_only_fields = fields


class PostOutputSerializer(serializers.ModelSerializer):
    author = UserCardSerializer(read_only=True)
    media = MediaImageOutputSerializer(many=True, read_only=True)
    repost_of = EmbeddedPostOutputSerializer(read_only=True, allow_null=True)
    quote_of = serializers.SerializerMethodField()
    quote_unavailable = serializers.SerializerMethodField()
    reposted = serializers.SerializerMethodField()
    min_tier = serializers.UUIDField(source="min_tier_id", read_only=True, allow_null=True)

    class Meta:
        model = Post
        fields = [
            "id", "author", "text", "visibility", "min_tier", "sensitive", "content_warning", "scheduled_at",
            "published_at", "edited_at", "created_at", "media", "repost_of", "quote_of", "quote_unavailable",
            "allow_quotes", "comment_policy", "likes_count", "comments_count", "reposts_count", "quotes_count",
            "views_count", "saves_count", "reposted",
        ]  # fmt: skip
        read_only_fields = fields

    def _quoted(self, obj):
        return obj.repost_of.quote_of if obj.repost_of_id else obj.quote_of

    def _quote_visible(self, quoted) -> bool:
        visible = self.context.get("visible_quote_ids")
        return quoted is not None and visible is not None and quoted.pk in visible

    @extend_schema_field(EmbeddedPostOutputSerializer(allow_null=True))
    def get_quote_of(self, obj):
        if obj.repost_of_id:
            return None  # the embedded original carries its own quote
        quoted = obj.quote_of
        if not self._quote_visible(quoted):
            return None
        return EmbeddedPostOutputSerializer(quoted, context=self.context).data

    def get_quote_unavailable(self, obj) -> bool:
        """True when the quoted post exists but is hidden from this viewer (or was deleted)."""
        if obj.repost_of_id:
            return False
        return obj.quote_of_id is not None and not self._quote_visible(obj.quote_of)

    def get_reposted(self, obj) -> bool:
        return (obj.repost_of_id or obj.pk) in self.context.get("reposted_ids", set())

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        if self.context.get("shared_snapshot"):
            return data  # content.selectors.details removes it per viewer
        if request is None or request.user.pk != instance.author_id:
            data.pop("scheduled_at", None)  # the author's plan is nobody else's business
        return data


class PostEditOutputSerializer(serializers.ModelSerializer):
    text = serializers.CharField(source="previous_text")
    content_warning = serializers.CharField(source="previous_content_warning")
    sensitive = serializers.BooleanField(source="previous_sensitive")
    replaced_at = serializers.DateTimeField(source="created_at")

    class Meta:
        model = PostEdit
        fields = ["id", "text", "content_warning", "sensitive", "replaced_at"]
        read_only_fields = fields


class PostHistoryOutputSerializer(serializers.Serializer):
    current = PostOutputSerializer()
    edits = PostEditOutputSerializer(many=True, help_text="Earlier versions, oldest first.")


class VideoOutputSerializer(serializers.ModelSerializer):
    author = UserCardSerializer(read_only=True)
    min_tier = serializers.UUIDField(source="min_tier_id", read_only=True, allow_null=True)
    thumbnail_url = serializers.SerializerMethodField()
    poster_url = serializers.SerializerMethodField()

    class Meta:
        model = Video
        fields = [
            "id", "author", "title", "description", "tags", "category", "language", "visibility", "min_tier",
            "age_restricted", "comments_enabled", "comment_policy", "published_at", "created_at", "status",
            "duration_seconds", "width", "height", "renditions", "thumbnail_url", "poster_url", "likes_count",
            "comments_count", "views_count", "saves_count",
        ]  # fmt: skip
        read_only_fields = fields

    def _still(self, obj, key_field: str) -> str | None:
        if obj.status != Video.Status.READY or not getattr(obj, key_field):
            return None
        path = getattr(obj, key_field).rsplit("/", 1)[-1]
        return _absolute(self.context.get("request"), playback.file_url(obj, path, playback.expiry()))

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_thumbnail_url(self, obj):
        return self._still(obj, "thumbnail_key")

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_poster_url(self, obj):
        return self._still(obj, "poster_key")


class VideoOwnerOutputSerializer(VideoOutputSerializer):
    """The owner's view: processing state and the upload facts too."""

    class Meta(VideoOutputSerializer.Meta):
        fields = [
            *VideoOutputSerializer.Meta.fields,
            "scheduled_at", "progress", "failure_reason", "filename", "size_bytes", "video_codec", "audio_codec",
            "processing_attempts", "watch_seconds_total",
        ]  # fmt: skip
        read_only_fields = fields


class VideoUploadPartUrlSerializer(serializers.Serializer):
    part_number = serializers.IntegerField()
    url = serializers.CharField()


class VideoReceivedPartSerializer(serializers.Serializer):
    part_number = serializers.IntegerField()
    etag = serializers.CharField()
    size = serializers.IntegerField()


class VideoUploadSessionSerializer(serializers.Serializer):
    storage = serializers.CharField()
    method = serializers.CharField(help_text="HTTP method for each part URL.")
    part_size = serializers.IntegerField()
    part_count = serializers.IntegerField()
    parts = VideoUploadPartUrlSerializer(many=True, help_text="URLs for the parts still to upload.")
    received = VideoReceivedPartSerializer(many=True)
    missing = serializers.ListField(child=serializers.IntegerField())
    expires_in = serializers.IntegerField()


class VideoCreatedOutputSerializer(serializers.Serializer):
    video = VideoOwnerOutputSerializer()
    upload = VideoUploadSessionSerializer()


class VideoStreamOutputSerializer(serializers.Serializer):
    url = serializers.CharField(help_text="Signed master playlist (HLS) URL.")
    expires_at = serializers.IntegerField(help_text="Unix time after which the URL stops working.")
    renditions = serializers.ListField(child=serializers.CharField())


class VideoHeartbeatOutputSerializer(serializers.Serializer):
    counted = serializers.BooleanField()
    qualified = serializers.BooleanField()
    watched_seconds = serializers.FloatField()


class VideoDailyStatOutputSerializer(serializers.Serializer):
    day = serializers.DateField()
    views = serializers.IntegerField()
    watch_seconds = serializers.FloatField()


class VideoCountryStatOutputSerializer(serializers.Serializer):
    country = serializers.CharField(allow_null=True)
    views = serializers.IntegerField()
    watch_seconds = serializers.FloatField()


class VideoAnalyticsOutputSerializer(serializers.Serializer):
    views = serializers.IntegerField()
    watch_seconds = serializers.FloatField()
    sessions = serializers.IntegerField()
    average_view_seconds = serializers.FloatField()
    average_percentage = serializers.FloatField()
    daily = VideoDailyStatOutputSerializer(many=True)
    countries = VideoCountryStatOutputSerializer(many=True)
    retention = serializers.ListField(child=serializers.FloatField(), help_text="Share of sessions per second.")


class HashtagOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = Hashtag
        fields = ["name", "display_name", "posts_count", "videos_count", "trending_score", "last_used_at"]
        read_only_fields = fields


class HashtagDetailOutputSerializer(serializers.Serializer):
    hashtag = HashtagOutputSerializer()
    posts = PostOutputSerializer(many=True)
    videos = VideoOutputSerializer(many=True)
