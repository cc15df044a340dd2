"""Staff views of the ads app. The review queue's actions call the review services (one way in)."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.db.models import Count
from django.utils.html import format_html, format_html_join

from ads.models import AdClick, AdImpression, Advertiser, Campaign, Creative, CreativeReviewQueue
from ads.services import advertiser_set_status, creative_approve, creative_reject
from core.exceptions import ApplicationError


class ReviewActionForm(ActionForm):
    reason = forms.CharField(required=False, max_length=1000, help_text="Required to reject: shown to the advertiser.")


def _preview(obj) -> str:
    media = ""
    if obj.media and obj.media_content_type.startswith("image/"):
        media = format_html('<img src="{}" style="max-width:320px;max-height:200px;display:block">', obj.media.url)
    elif obj.media and obj.media_content_type.startswith("video/"):
        media = format_html('<video src="{}" controls style="max-width:320px;display:block"></video>', obj.media.url)
    return format_html(
        '<div style="border:1px solid #ccc;padding:8px;max-width:340px">{}<strong>{}</strong><p>{}</p>'
        '<a href="{}" rel="noopener noreferrer" target="_blank">{}</a> <small>{}</small></div>',
        media, obj.headline, obj.body, obj.cta_url, obj.cta_label or "(no label)", obj.cta_url,
    )  # fmt: skip


def _checks(obj) -> str:
    rows = [("✔" if r.get("passed") else "✘", r.get("check", ""), r.get("detail", "")) for r in obj.check_results]
    return format_html("<ul>{}</ul>", format_html_join("", "<li>{} {} {}</li>", rows)) if rows else "—"


@admin.register(CreativeReviewQueue)
class CreativeReviewQueueAdmin(admin.ModelAdmin):
    """Submitted creatives, oldest first, with a preview and the automatic check results."""

    list_display = ["headline", "format", "advertiser", "campaign", "submitted_at", "checks_passed"]
    list_filter = ["format", "submitted_at"]
    search_fields = ["headline", "body", "cta_url", "campaign__name", "campaign__advertiser__company_name"]
    list_select_related = ["campaign__advertiser"]
    ordering = ["submitted_at"]
    action_form = ReviewActionForm
    actions = ["approve_selected", "reject_selected"]
    readonly_fields = ["preview", "check_results_list", "advertiser_history", "campaign", "format", "headline", "body",
                       "cta_label", "cta_url", "media_content_type", "media_size", "promoted_post",
                       "submitted_at"]  # fmt: skip
    fields = readonly_fields

    def get_queryset(self, request):
        return super().get_queryset(request).filter(status=Creative.Status.SUBMITTED)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="advertiser")
    def advertiser(self, obj):
        return obj.campaign.advertiser.company_name

    @admin.display(boolean=True, description="checks")
    def checks_passed(self, obj):
        return all(r.get("passed") for r in obj.check_results)

    @admin.display(description="preview")
    def preview(self, obj):
        return _preview(obj)

    @admin.display(description="automatic checks")
    def check_results_list(self, obj):
        return _checks(obj)

    @admin.display(description="advertiser's history")
    def advertiser_history(self, obj):
        """How this advertiser's earlier creatives fared, and the latest rejections with their reasons."""
        advertiser = obj.campaign.advertiser
        others = Creative.objects.filter(campaign__advertiser=advertiser).exclude(pk=obj.pk)
        counts = dict(others.values_list("status").annotate(n=Count("id")))
        rejected = others.filter(status=Creative.Status.REJECTED).order_by("-reviewed_at")[:5]
        return format_html(
            "<p>{} · status {} · {}</p><ul>{}</ul>",
            advertiser.company_name,
            advertiser.status,
            ", ".join(f"{n} {status}" for status, n in sorted(counts.items())) or "no earlier creatives",
            format_html_join("", "<li>rejected “{}”: {}</li>", ((c.headline, c.rejection_reason) for c in rejected)),
        )

    def _review(self, request, queryset, decide, verb):
        done = 0
        for creative in queryset:
            try:
                decide(creative)
                done += 1
            except ApplicationError as exc:
                self.message_user(request, f"{creative}: {exc.detail}", messages.ERROR)
        if done:
            self.message_user(request, f"{verb} {done} creative(s).", messages.SUCCESS)

    @admin.action(description="Approve selected creatives")
    def approve_selected(self, request, queryset):
        self._review(request, queryset, lambda c: creative_approve(creative=c, by=request.user), "Approved")

    @admin.action(description="Reject selected creatives (with the reason above)")
    def reject_selected(self, request, queryset):
        reason = request.POST.get("reason", "").strip()
        if not reason:
            self.message_user(request, "Give a reason to reject: the advertiser sees it.", messages.ERROR)
            return
        self._review(
            request, queryset, lambda c: creative_reject(creative=c, by=request.user, reason=reason), "Rejected"
        )


@admin.register(Creative)
class CreativeAdmin(admin.ModelAdmin):
    list_display = ["headline", "format", "status", "campaign", "impressions_count", "clicks_count", "reviewed_at"]
    list_filter = ["status", "format"]
    search_fields = ["headline", "campaign__name", "campaign__advertiser__company_name"]
    list_select_related = ["campaign"]
    readonly_fields = [f.name for f in Creative._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["name", "advertiser", "status", "pause_reason", "bid_type", "bid_amount", "daily_budget",
                    "total_budget", "spent_total_milli", "start_at", "end_at"]  # fmt: skip
    list_filter = ["status", "bid_type", "pacing", "objective"]
    search_fields = ["name", "advertiser__company_name", "advertiser__user__username"]
    list_select_related = ["advertiser__user"]  # the advertiser's name shows its user
    readonly_fields = [f.name for f in Campaign._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(Advertiser)
class AdvertiserAdmin(admin.ModelAdmin):
    list_display = ["company_name", "user", "billing_country", "currency", "status", "created_at"]
    list_filter = ["status", "currency", "billing_country"]
    search_fields = ["company_name", "billing_email", "user__username", "user__email"]
    list_select_related = ["user"]
    readonly_fields = ["user", "currency", "status", "created_at"]
    actions = ["suspend", "reinstate"]

    @admin.action(description="Suspend (pauses running campaigns)")
    def suspend(self, request, queryset):
        for advertiser in queryset:
            advertiser_set_status(advertiser=advertiser, status=Advertiser.Status.SUSPENDED)

    @admin.action(description="Reinstate")
    def reinstate(self, request, queryset):
        for advertiser in queryset:
            advertiser_set_status(advertiser=advertiser, status=Advertiser.Status.ACTIVE)


class EventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "campaign", "creative", "viewer_key", "placement", "country", "valid",
                    "invalid_reason", "cost_milli"]  # fmt: skip
    list_filter = ["valid", "invalid_reason", "placement"]
    search_fields = ["token_id", "viewer_key"]
    list_select_related = ["campaign", "creative"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


admin.site.register(AdImpression, EventAdmin)
admin.site.register(AdClick, EventAdmin)
