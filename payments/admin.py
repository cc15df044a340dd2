"""Staff views of payments. The ledger is read-only here: corrections are new entries, posted by services."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.db import transaction
from django.db.models import Sum

from core.audit import audit_record
from core.exceptions import ApplicationError
from payments import models, services
from payments.services.tips import tip_refund


class ReadOnlyAdmin(admin.ModelAdmin):
    def _changelist_actions_allowed(self, request, obj) -> bool:
        # Changelist actions only (never the edit form), and only with the model's change permission:
        # a bare `obj is None` let any staff member (a moderator) open every payments list.
        return obj is None and admin.ModelAdmin.has_change_permission(self, request, obj)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(models.Tier)
class TierAdmin(admin.ModelAdmin):
    list_display = ["name", "creator", "price_amount", "currency", "is_active", "created_at"]
    list_filter = ["is_active", "currency"]
    search_fields = ["name", "creator__username", "stripe_product_id", "stripe_plan_id"]
    list_select_related = ["creator"]
    raw_id_fields = ["creator"]
    readonly_fields = ["stripe_product_id", "stripe_plan_id"]


@admin.register(models.Subscription)
class SubscriptionAdmin(ReadOnlyAdmin):
    list_display = ["fan", "creator", "tier", "status", "paid_through", "cancel_at_period_end", "created_at"]
    list_filter = ["status", "cancel_at_period_end"]
    search_fields = ["fan__username", "creator__username", "stripe_subscription_id"]
    list_select_related = ["fan", "creator", "tier"]
    actions = ["resync_from_stripe"]

    def has_change_permission(self, request, obj=None):
        return self._changelist_actions_allowed(request, obj)  # status follows Stripe: no editing

    @admin.action(description="Re-read from Stripe")
    def resync_from_stripe(self, request, queryset):
        count = 0
        for subscription in queryset.exclude(stripe_subscription_id=""):
            services.subscription_sync(stripe_subscription_id=subscription.stripe_subscription_id)
            count += 1
        self.message_user(request, f"Synchronised {count} subscriptions.", messages.SUCCESS)


@admin.register(models.StripeCustomer)
class StripeCustomerAdmin(ReadOnlyAdmin):
    list_display = ["user", "stripe_customer_id", "created_at"]
    search_fields = ["user__username", "stripe_customer_id"]
    list_select_related = ["user"]


class RefundActionForm(ActionForm):
    amount = forms.IntegerField(
        required=False, min_value=1, help_text="Partial refund, in minor units (cents); empty: in full."
    )


@admin.register(models.Tip)
class TipAdmin(ReadOnlyAdmin):
    list_display = ["fan", "creator", "amount", "currency", "status", "target_type", "created_at"]
    list_filter = ["status", "currency", "target_type"]
    search_fields = ["fan__username", "creator__username", "stripe_payment_intent_id", "stripe_charge_id"]
    list_select_related = ["fan", "creator"]
    action_form = RefundActionForm
    actions = ["refund_in_full", "refund_amount"]

    def has_change_permission(self, request, obj=None):
        return self._changelist_actions_allowed(request, obj)

    @admin.action(description="Refund in full at Stripe (the ledger follows the refund webhook)")
    def refund_in_full(self, request, queryset):
        done = 0
        for tip in queryset.filter(status=models.Tip.Status.SUCCEEDED):
            try:
                tip_refund(tip=tip)
                done += 1
            except ApplicationError as exc:
                self.message_user(request, f"{tip}: {exc.detail}", messages.ERROR)
        self.message_user(request, f"Refund requested for {done} tips.", messages.SUCCESS)

    @admin.action(description="Refund the amount given above (partial) at Stripe")
    def refund_amount(self, request, queryset):
        try:
            amount = int(request.POST.get("amount") or 0)
        except ValueError:
            amount = 0
        if amount <= 0:
            self.message_user(request, "Give the amount to refund, in minor units.", messages.ERROR)
            return
        done = 0
        for tip in queryset.filter(status=models.Tip.Status.SUCCEEDED):
            try:
                tip_refund(tip=tip, amount=amount)
                done += 1
            except ApplicationError as exc:
                self.message_user(request, f"{tip}: {exc.detail}", messages.ERROR)
        self.message_user(request, f"Refund of {amount} requested for {done} tips.", messages.SUCCESS)


@admin.register(models.AdvertiserFunding)
class AdvertiserFundingAdmin(ReadOnlyAdmin):
    list_display = ["user", "amount", "currency", "status", "created_at"]
    list_filter = ["status", "currency"]
    search_fields = ["user__username", "stripe_payment_intent_id"]
    list_select_related = ["user"]


@admin.register(models.ConnectAccount)
class ConnectAccountAdmin(ReadOnlyAdmin):
    list_display = ["user", "stripe_account_id", "charges_enabled", "payouts_enabled", "details_submitted", "synced_at"]
    list_filter = ["payouts_enabled", "charges_enabled"]
    search_fields = ["user__username", "stripe_account_id"]
    list_select_related = ["user"]
    actions = ["resync_from_stripe"]

    def has_change_permission(self, request, obj=None):
        return self._changelist_actions_allowed(request, obj)

    @admin.action(description="Re-read from Stripe")
    def resync_from_stripe(self, request, queryset):
        for account in queryset:
            services.connect_account_sync(stripe_account_id=account.stripe_account_id)
        self.message_user(request, "Synchronised.", messages.SUCCESS)


@admin.register(models.Payout)
class PayoutAdmin(ReadOnlyAdmin):
    list_display = [
        "creator", "amount", "currency", "status", "failure_reason", "stripe_transfer_id", "created_at", "paid_at",
    ]  # fmt: skip
    list_filter = ["status", "currency"]
    search_fields = ["creator__username", "stripe_transfer_id"]
    list_select_related = ["creator"]
    actions = ["retry_transfer", "retry_failed"]

    def has_change_permission(self, request, obj=None):
        return self._changelist_actions_allowed(request, obj)

    @admin.action(description="Retry the transfer of pending payouts")
    def retry_transfer(self, request, queryset):
        for payout in queryset.filter(status=models.Payout.Status.PENDING):
            services.payout_execute(payout_id=payout.pk)
        self.message_user(request, "Retried.", messages.SUCCESS)

    @admin.action(description="Retry failed payouts (a new payout of the same amount; failed is final)")
    def retry_failed(self, request, queryset):
        done = 0
        for payout in queryset.filter(status=models.Payout.Status.FAILED).select_related("creator"):
            try:
                with transaction.atomic():  # the new payout and its audit entry commit together
                    retry = services.payout_request(
                        creator=payout.creator, amount=payout.amount, currency=payout.currency
                    )
                    audit_record(
                        actor=request.user, action="payments.payout_retry", target=payout, data={"retry": str(retry.pk)}
                    )
            except ApplicationError as exc:
                self.message_user(request, f"{payout}: {exc.detail}", messages.ERROR)
                continue
            done += 1
        self.message_user(request, f"{done} failed payout(s) requested again.", messages.SUCCESS)


@admin.register(models.WebhookEvent)
class WebhookEventAdmin(ReadOnlyAdmin):
    list_display = ["stripe_event_id", "type", "status", "attempts", "created_at", "processed_at"]
    list_filter = ["status", "type"]
    search_fields = ["stripe_event_id"]
    actions = ["reprocess"]

    def has_change_permission(self, request, obj=None):
        return self._changelist_actions_allowed(request, obj)

    @admin.action(description="Process again")
    def reprocess(self, request, queryset):
        from payments.tasks import webhook_event_process_task

        for event in queryset.exclude(status=models.WebhookEvent.Status.PROCESSED):
            webhook_event_process_task.delay(str(event.pk))
        self.message_user(request, "Queued.", messages.SUCCESS)


class JournalLineInline(admin.TabularInline):
    model = models.JournalLine
    fields = ["account", "amount", "currency"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(models.JournalEntry)
class JournalEntryAdmin(ReadOnlyAdmin):
    list_display = ["external_key", "kind", "creator", "source", "amount", "currency", "occurred_at"]
    list_filter = ["kind", "source", "currency"]
    search_fields = ["external_key", "creator__username", "source_ref", "memo"]
    list_select_related = ["creator"]
    inlines = [JournalLineInline]
    date_hierarchy = "occurred_at"


@admin.register(models.LedgerAccount)
class LedgerAccountAdmin(ReadOnlyAdmin):
    list_display = ["kind", "user", "currency", "balance", "created_at"]
    list_filter = ["kind", "currency"]
    search_fields = ["user__username"]
    list_select_related = ["user"]

    def get_queryset(self, request):
        # One aggregate in the list query, not one per row.
        return super().get_queryset(request).annotate(balance_total=Sum("lines__amount"))

    @admin.display(description="balance (debit +)", ordering="balance_total")
    def balance(self, obj):
        return obj.balance_total or 0


@admin.register(models.JournalLine)
class JournalLineAdmin(ReadOnlyAdmin):
    list_display = ["entry", "account", "amount", "currency"]
    list_filter = ["currency", "account__kind"]
    search_fields = ["entry__external_key"]
    list_select_related = ["entry", "account"]
