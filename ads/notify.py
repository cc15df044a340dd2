"""The advertiser hears about review decisions and spent budgets through the notifications app."""

from notifications.services import notification_send


def notify_creative_approved(*, creative) -> None:
    notification_send(
        recipient=creative.campaign.advertiser.user,
        type="ad_approved",
        target=creative,
        data={"campaign_id": str(creative.campaign_id), "headline": creative.headline},
    )


def notify_creative_rejected(*, creative) -> None:
    notification_send(
        recipient=creative.campaign.advertiser.user,
        type="ad_rejected",
        target=creative,
        data={
            "campaign_id": str(creative.campaign_id),
            "headline": creative.headline,
            "reason": creative.rejection_reason,
        },
    )


def notify_campaign_budget_spent(*, campaign, reason: str) -> None:
    """`reason`: "budget" (the campaign's total budget) or "balance" (the advertiser's prepaid balance)."""
    notification_send(
        recipient=campaign.advertiser.user,
        type="campaign_budget_spent",
        target=campaign,
        data={"campaign_id": str(campaign.pk), "name": campaign.name, "reason": reason},
    )
