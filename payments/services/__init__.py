"""Every write of the payments app (the ledger's postings are in payments.ledger)."""

from payments.services.advertisers import advertiser_balance_fund
from payments.services.customers import customer_get_or_create
from payments.services.payouts import (
    connect_account_sync,
    connect_onboarding_start,
    payout_execute,
    payout_mark_failed,
    payout_mark_paid,
    payout_request,
)
from payments.services.subscriptions import (
    subscription_cancel,
    subscription_change_tier,
    subscription_create,
    subscription_resume,
    subscription_sync,
)
from payments.services.tiers import platform_account, tier_create, tier_update
from payments.services.tips import tip_create, tip_record_failure, tip_record_success
from payments.services.webhooks import webhook_event_process, webhook_event_receive

__all__ = [
    "advertiser_balance_fund",
    "connect_account_sync",
    "connect_onboarding_start",
    "customer_get_or_create",
    "payout_execute",
    "payout_mark_failed",
    "payout_mark_paid",
    "payout_request",
    "platform_account",
    "subscription_cancel",
    "subscription_change_tier",
    "subscription_create",
    "subscription_resume",
    "subscription_sync",
    "tier_create",
    "tier_update",
    "tip_create",
    "tip_record_failure",
    "tip_record_success",
    "webhook_event_process",
    "webhook_event_receive",
]
