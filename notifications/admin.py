from django.contrib import admin, messages

from notifications import services
from notifications.models import (
    AcceptedSender,
    FanoutJob,
    Notification,
    NotificationDelivery,
    NotificationSettings,
    PushDevice,
)


class DeliveryInline(admin.TabularInline):
    model = NotificationDelivery
    extra = 0
    can_delete = False
    fields = ("channel", "status", "scheduled_for", "attempts", "sent_at", "detail")
    readonly_fields = fields


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("id", "type", "recipient", "actor", "box", "target_kind", "read_at", "created_at")
    list_filter = ("type", "box", ("read_at", admin.EmptyFieldListFilter), "created_at")
    search_fields = ("recipient__username", "actor__username", "target_id", "group_key")
    list_select_related = ("recipient", "actor")
    raw_id_fields = ("recipient", "actor")
    readonly_fields = ("created_at", "updated_at")
    inlines = [DeliveryInline]
    date_hierarchy = "created_at"


@admin.register(NotificationDelivery)
class NotificationDeliveryAdmin(admin.ModelAdmin):
    list_display = ("id", "channel", "status", "notification", "scheduled_for", "attempts", "sent_at")
    list_filter = ("channel", "status")
    search_fields = ("notification__recipient__username", "detail")
    list_select_related = ("notification",)
    raw_id_fields = ("notification",)
    actions = ["send_now"]

    @admin.action(description="Send the selected due deliveries now")
    def send_now(self, request, queryset):
        sent = sum(1 for d in queryset if services.delivery_send(delivery_id=d.pk) is not None)
        self.message_user(request, f"{sent} deliveries processed.", messages.SUCCESS)


@admin.register(NotificationSettings)
class NotificationSettingsAdmin(admin.ModelAdmin):
    list_display = ("user", "stranger_policy", "stranger_min_account_age_days", "email_digest", "quiet_hours_start")
    list_filter = ("stranger_policy", "email_digest")
    search_fields = ("user__username", "user__email")
    list_select_related = ("user",)
    raw_id_fields = ("user",)


@admin.register(PushDevice)
class PushDeviceAdmin(admin.ModelAdmin):
    list_display = ("id", "user", "kind", "platform", "is_active", "consecutive_failures", "last_success_at")
    list_filter = ("kind", "platform", "is_active")
    search_fields = ("user__username", "last_error")
    list_select_related = ("user",)
    raw_id_fields = ("user",)
    actions = ["deactivate"]

    @admin.action(description="Deactivate the selected devices")
    def deactivate(self, request, queryset):
        for device in queryset.filter(is_active=True):
            services.push_device_unregister(user=device.user, token=device.token)
        self.message_user(request, "Devices deactivated.", messages.SUCCESS)


@admin.register(FanoutJob)
class FanoutJobAdmin(admin.ModelAdmin):
    list_display = ("fanout_key", "actor", "type", "status", "batches", "created_count", "finished_at")
    list_filter = ("status", "type")
    search_fields = ("fanout_key", "actor__username")
    list_select_related = ("actor",)
    raw_id_fields = ("actor",)
    actions = ["resume"]

    @admin.action(description="Resume the selected fan-out jobs")
    def resume(self, request, queryset):
        from notifications.tasks import notification_fanout_task

        for job in queryset.filter(status=FanoutJob.Status.RUNNING):
            notification_fanout_task.delay(str(job.pk))
        self.message_user(request, "Fan-out jobs queued.", messages.SUCCESS)


@admin.register(AcceptedSender)
class AcceptedSenderAdmin(admin.ModelAdmin):
    list_display = ("user", "actor", "created_at")
    search_fields = ("user__username", "actor__username")
    list_select_related = ("user", "actor")
    raw_id_fields = ("user", "actor")
