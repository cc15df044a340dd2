"""Staff tools for content: moderation of posts and videos, processing retries. Actions call services."""

from django.contrib import admin, messages

from content.models import Hashtag, MediaImage, Mention, Post, PostEdit, Video, VideoDailyStat
from content.services.posts import post_delete, post_restore
from content.services.videos import video_delete, video_retry
from core.exceptions import ApplicationError


def _each(modeladmin, request, queryset, label, apply):
    done = 0
    for obj in queryset:
        try:
            apply(obj)
            done += 1
        except ApplicationError as exc:
            modeladmin.message_user(request, f"{obj.pk}: {exc.detail}", messages.WARNING)
    modeladmin.message_user(request, f"{label}: {done}.", messages.SUCCESS)


class PostEditInline(admin.TabularInline):
    model = PostEdit
    extra = 0
    can_delete = False
    readonly_fields = ["created_at", "previous_text", "previous_content_warning", "previous_sensitive"]
    fields = readonly_fields


class MediaImageInline(admin.TabularInline):
    model = MediaImage
    extra = 0
    can_delete = False
    readonly_fields = ["image", "thumbnail", "width", "height", "format", "alt_text"]
    fields = ["position", *readonly_fields]


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "author",
        "short_text",
        "visibility",
        "published_at",
        "likes_count",
        "reposts_count",
        "deleted_at",
    ]
    list_filter = ["visibility", "sensitive", ("deleted_at", admin.EmptyFieldListFilter), "published_at"]
    search_fields = ["text", "author__username", "id"]
    list_select_related = ["author"]
    raw_id_fields = ["author", "quote_of", "repost_of", "min_tier"]
    readonly_fields = [
        "likes_count", "comments_count", "reposts_count", "quotes_count", "views_count", "saves_count",
        "trending_score", "edited_at", "deleted_at", "created_at",
    ]  # fmt: skip
    inlines = [MediaImageInline, PostEditInline]
    actions = ["remove_posts", "restore_posts"]

    def get_queryset(self, request):
        return Post.all_objects.select_related("author")

    @admin.display(description="text")
    def short_text(self, obj):
        return obj.text[:80]

    @admin.action(description="Remove (soft delete) selected posts")
    def remove_posts(self, request, queryset):
        _each(
            self,
            request,
            queryset.filter(deleted_at__isnull=True),
            "Removed",
            lambda p: post_delete(post_id=p.pk, actor=request.user),
        )

    @admin.action(description="Restore selected posts")
    def restore_posts(self, request, queryset):
        _each(
            self, request, queryset.filter(deleted_at__isnull=False), "Restored", lambda p: post_restore(post_id=p.pk)
        )


@admin.register(Video)
class VideoAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "title",
        "author",
        "status",
        "progress",
        "failure_reason",
        "processing_attempts",
        "visibility",
        "views_count",
        "published_at",
        "deleted_at",
    ]
    list_filter = [
        "status",
        "visibility",
        "storage",
        "source",
        "age_restricted",
        ("deleted_at", admin.EmptyFieldListFilter),
    ]
    search_fields = ["title", "author__username", "id", "failure_reason"]
    list_select_related = ["author"]
    raw_id_fields = ["author", "min_tier"]
    readonly_fields = [
        "status", "progress", "failure_reason", "processing_attempts", "processed_at", "storage", "upload_id",
        "source_key", "uploaded_at", "duration_seconds", "width", "height", "video_codec", "audio_codec",
        "renditions", "hls_prefix", "likes_count", "comments_count", "views_count", "saves_count",
        "watch_seconds_total", "trending_score", "deleted_at",
    ]  # fmt: skip
    actions = ["retry_processing", "remove_videos"]

    def get_queryset(self, request):
        return Video.all_objects.select_related("author")

    @admin.action(description="Process selected videos again (failed or ready)")
    def retry_processing(self, request, queryset):
        _each(self, request, queryset.filter(deleted_at__isnull=True), "Queued", lambda v: video_retry(video_id=v.pk))

    @admin.action(description="Remove selected videos (files are deleted)")
    def remove_videos(self, request, queryset):
        _each(
            self,
            request,
            queryset.filter(deleted_at__isnull=True),
            "Removed",
            lambda v: video_delete(video_id=v.pk, actor=request.user),
        )


@admin.register(Hashtag)
class HashtagAdmin(admin.ModelAdmin):
    list_display = ["name", "display_name", "posts_count", "videos_count", "trending_score", "last_used_at"]
    search_fields = ["name"]
    list_filter = ["last_used_at"]
    list_select_related = []
    ordering = ["-trending_score"]


@admin.register(Mention)
class MentionAdmin(admin.ModelAdmin):
    list_display = ["post", "mentioned", "notified", "created_at"]
    list_filter = ["notified"]
    search_fields = ["mentioned__username"]
    list_select_related = ["post", "mentioned"]
    raw_id_fields = ["post", "mentioned"]


@admin.register(VideoDailyStat)
class VideoDailyStatAdmin(admin.ModelAdmin):
    list_display = ["video", "day", "country", "views", "watch_seconds"]
    list_filter = ["day", "country"]
    search_fields = ["video__title"]
    list_select_related = ["video"]
    raw_id_fields = ["video"]
