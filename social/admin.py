"""Admin for social rows. Moderation actions call services; case decisions belong to the back office."""

from django.contrib import admin, messages

from core.exceptions import ApplicationError
from social import services
from social.models import Comment, Like, ModerationCase, Report, Save, SaveCollection


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ("id", "author", "post", "video", "parent", "like_count", "reply_count", "created_at", "deleted_at")
    list_filter = ("deleted_at", "created_at")
    search_fields = ("text", "author__username")
    list_select_related = ("author", "post", "video", "parent")
    raw_id_fields = ("author", "post", "video", "parent", "deleted_by")
    readonly_fields = ("like_count", "reply_count", "deleted_by", "edited_at", "pinned_at")
    actions = ["remove_comments"]

    def get_queryset(self, request):
        return Comment.all_objects.all()

    @admin.action(description="Remove selected comments (as moderator)")
    def remove_comments(self, request, queryset):
        done = 0
        for comment in queryset.filter(deleted_at__isnull=True).select_related("post", "video"):
            try:
                services.comment_delete(comment=comment, by=request.user, target=comment.post or comment.video)
                done += 1
            except ApplicationError as exc:
                self.message_user(request, f"{comment.pk}: {exc.detail}", messages.ERROR)
        self.message_user(request, f"Removed {done} comment(s).")


@admin.register(Like)
class LikeAdmin(admin.ModelAdmin):
    list_display = ("id", "user", "post", "video", "comment", "created_at")
    search_fields = ("user__username",)
    list_select_related = ("user", "post", "video", "comment")
    raw_id_fields = ("user", "post", "video", "comment")


@admin.register(SaveCollection)
class SaveCollectionAdmin(admin.ModelAdmin):
    list_display = ("name", "owner", "created_at")
    search_fields = ("name", "owner__username")
    list_select_related = ("owner",)
    raw_id_fields = ("owner",)


@admin.register(Save)
class SaveAdmin(admin.ModelAdmin):
    list_display = ("id", "user", "post", "video", "collection", "created_at")
    search_fields = ("user__username",)
    list_select_related = ("user", "collection", "post", "video")
    raw_id_fields = ("user", "post", "video", "collection")


class ReportInline(admin.TabularInline):
    model = Report
    extra = 0
    fields = ("reporter", "category", "text", "related_ids", "created_at")
    readonly_fields = fields
    can_delete = False
    show_change_link = True


@admin.register(ModerationCase)
class ModerationCaseAdmin(admin.ModelAdmin):
    list_display = ("target_type", "target_id", "target_owner", "status", "report_count", "last_reported_at")
    list_filter = ("status", "target_type")
    search_fields = ("target_id", "target_owner__username")
    list_select_related = ("target_owner", "resolved_by")
    ordering = ("status", "-report_count", "-last_reported_at")
    readonly_fields = (
        "target_type", "target_id", "target_owner", "report_count", "categories", "last_reported_at",
        "status", "resolved_at", "resolved_by", "resolution_action", "resolution_reason",
    )  # fmt: skip
    inlines = [ReportInline]


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ("id", "reporter", "target_type", "target_id", "category", "case", "created_at")
    list_filter = ("category", "target_type", "case__status")
    search_fields = ("reporter__username", "target_id", "text")
    list_select_related = ("reporter", "case")
    raw_id_fields = ("reporter", "case")
