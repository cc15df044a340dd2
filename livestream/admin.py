"""Staff views of streams and their chat. Status changes and chat deletion go through the services."""

from django.contrib import admin, messages

from core.exceptions import ApplicationError
from livestream import services
from livestream.models import ChatMessage, ChatModerationAction, ChatSanction, Stream, StreamDonation, ViewerSession


@admin.register(Stream)
class StreamAdmin(admin.ModelAdmin):
    list_display = (
        "title",
        "host",
        "status",
        "visibility",
        "provider",
        "current_viewers",
        "peak_viewers",
        "started_at",
    )
    list_filter = ("status", "visibility", "provider", "category", "record")
    search_fields = ("title", "host__username", "ivs_channel_arn")
    list_select_related = ("host",)
    date_hierarchy = "created_at"
    # The key ciphertext and the state machine are never edited by hand.
    exclude = ("stream_key_encrypted",)
    readonly_fields = (
        "status", "started_at", "ended_at", "provider", "ivs_channel_arn", "ivs_stream_key_arn", "ingest_endpoint",
        "playback_url", "current_viewers", "peak_viewers", "chat_messages_count", "summary", "pinned_message",
        "replay_video", "recording_s3_prefix",
    )  # fmt: skip
    raw_id_fields = ("host", "min_tier")
    actions = ("end_streams",)

    @admin.action(description="End the selected live streams")
    def end_streams(self, request, queryset):
        ended = 0
        for stream in queryset.filter(status=Stream.Status.LIVE):
            try:
                services.stream_transition(
                    stream_id=stream.pk, to=Stream.Status.ENDED, source=f"admin:{request.user.pk}"
                )
                ended += 1
            except ApplicationError as exc:
                self.message_user(request, f"{stream}: {exc.detail}", messages.ERROR)
        self.message_user(request, f"Ended {ended} stream(s).")


@admin.register(ChatMessage)
class ChatMessageAdmin(admin.ModelAdmin):
    list_display = ("created_at", "stream", "user", "kind", "body", "deleted_at", "deletion_reason")
    list_filter = ("kind", "deletion_reason")
    search_fields = ("body", "user__username", "stream__title")
    list_select_related = ("stream", "user")
    raw_id_fields = ("stream", "user", "deleted_by")
    actions = ("restore_messages",)

    def get_queryset(self, request):
        return ChatMessage.all_objects.select_related("stream", "user")

    @admin.action(description="Restore the selected hidden messages")
    def restore_messages(self, request, queryset):
        try:
            restored = services.chat_messages_restore(
                message_ids=queryset.values_list("pk", flat=True), actor=request.user
            )
        except ApplicationError as exc:
            self.message_user(request, exc.detail, messages.ERROR)
            return
        self.message_user(request, f"Restored {restored} message(s).")


@admin.register(ChatModerationAction)
class ChatModerationActionAdmin(admin.ModelAdmin):
    list_display = ("created_at", "stream", "actor", "action", "target_user")
    list_filter = ("action",)
    search_fields = ("stream__title", "actor__username", "target_user__username")
    list_select_related = ("stream", "actor", "target_user")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ChatSanction)
class ChatSanctionAdmin(admin.ModelAdmin):
    list_display = ("created_at", "stream", "user", "kind", "expires_at", "lifted_at", "created_by")
    list_filter = ("kind",)
    search_fields = ("user__username", "stream__title")
    list_select_related = ("stream", "user", "created_by")
    raw_id_fields = ("stream", "user", "created_by")


@admin.register(StreamDonation)
class StreamDonationAdmin(admin.ModelAdmin):
    list_display = ("created_at", "stream", "donor", "amount", "currency")
    list_filter = ("currency",)
    search_fields = ("stream__title", "donor__username", "tip_id")
    list_select_related = ("stream", "donor")
    raw_id_fields = ("stream", "donor", "chat_message")


@admin.register(ViewerSession)
class ViewerSessionAdmin(admin.ModelAdmin):
    list_display = ("joined_at", "stream", "user", "viewer_key", "last_seen_at", "left_at")
    search_fields = ("stream__title", "user__username", "viewer_key")
    list_select_related = ("stream", "user")
    raw_id_fields = ("stream", "user")
