"""Impressions and clicks: append-only facts that spend, reports and fraud review are computed from.

Invalid events are recorded too (with the reason) and never charged, so reports can show them and
fraud review can look at them.
"""

from django.conf import settings
from django.db import models

from ads.models.campaign import Campaign
from ads.models.creative import Creative
from core.models import BaseModel


class AdEvent(BaseModel):
    class InvalidReason(models.TextChoices):
        NONE = ""
        EXPIRED = "expired"
        FORGED = "forged"
        BOT = "bot"
        DUPLICATE = "duplicate"  # repeat click by the same viewer on the same ad within the window
        NO_IMPRESSION = "no_impression"
        VIEWER_MISMATCH = "viewer_mismatch"
        NOT_VIEWABLE = "not_viewable"
        NOT_SERVING = "not_serving"  # campaign paused/completed or creative no longer approved
        BUDGET = "budget"  # the budget (daily or total) could not cover the price
        BALANCE = "balance"  # the advertiser's prepaid balance could not cover the charge

    token_id = models.CharField(max_length=32, db_index=True, help_text="The serve token's id (jti).")
    creative = models.ForeignKey(Creative, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    campaign = models.ForeignKey(Campaign, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    viewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    viewer_key = models.CharField(max_length=64, blank=True, help_text="User id, or a hash for signed-out viewers.")
    placement = models.CharField(max_length=16, blank=True)
    country = models.CharField(max_length=2, blank=True)
    device = models.CharField(max_length=8, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    valid = models.BooleanField(default=False)
    invalid_reason = models.CharField(max_length=16, choices=InvalidReason.choices, default="", blank=True)
    cost_milli = models.PositiveBigIntegerField(default=0, help_text="What this event added to campaign spend.")
    # Whole minor units this event moves in the ledger (spend crossing a whole cent; see services.spend).
    charge_minor = models.PositiveBigIntegerField(default=0)
    beside_creator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    creator_share_minor = models.PositiveBigIntegerField(default=0)
    ledger_posted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True


class AdImpression(AdEvent):
    viewable = models.BooleanField(default=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["token_id"], name="ad_impression_once_per_token")]
        indexes = [
            models.Index(fields=["campaign", "created_at"], name="ad_impression_campaign_idx"),
            models.Index(fields=["viewer_key", "created_at"], name="ad_impression_viewer_idx"),
        ]


class AdClick(AdEvent):
    class Meta:
        indexes = [
            models.Index(fields=["campaign", "created_at"], name="ad_click_campaign_idx"),
            models.Index(fields=["viewer_key", "creative", "created_at"], name="ad_click_dedupe_idx"),
        ]


class CreatorAdEarning(BaseModel):
    """Per creator and currency: revenue share accrued in milli-minor units, so fractions of a cent
    carry over to the next event instead of being rounded away. Locked per event (after the campaign)."""

    creator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    currency = models.CharField(max_length=3)
    accrued_milli = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["creator", "currency"], name="creator_ad_earning_unique")]
