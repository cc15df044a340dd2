"""Campaigns: budget, bid, schedule and targeting. Status changes only through `campaign_transition`.

Money: budgets and bids are integer minor units (cents). Spend is kept in *milli-minor* units
(thousandths of a cent) so a CPM impression costs exactly its bid (bid / 1000 cents = bid milli-cents)
and every counter stays an exact integer; reports divide by 1000 only for display.
"""

from django.db import models
from django.db.models import F, Q

from ads.models.advertiser import Advertiser
from core.models import BaseModel

MILLI = 1000  # milli-minor units per minor unit


class CampaignQuerySet(models.QuerySet):
    def for_advertiser_user(self, user):
        return self.filter(advertiser__user=user)

    def running(self, *, now):
        """Active and within dates: the ones the serving index considers (budgets are checked there)."""
        return self.filter(status=Campaign.Status.ACTIVE, start_at__lte=now, end_at__gt=now)


class Campaign(BaseModel):
    class Status(models.TextChoices):
        DRAFT = "draft"
        ACTIVE = "active"
        PAUSED = "paused"
        COMPLETED = "completed"

    class PauseReason(models.TextChoices):
        NONE = ""
        ADVERTISER = "advertiser"
        BUDGET = "budget"
        ADVERTISER_SUSPENDED = "advertiser_suspended"
        BALANCE = "balance"

    class Objective(models.TextChoices):
        AWARENESS = "awareness"
        TRAFFIC = "traffic"
        ENGAGEMENT = "engagement"
        VIDEO_VIEWS = "video_views"

    class BidType(models.TextChoices):
        CPM = "cpm"
        CPC = "cpc"

    class Pacing(models.TextChoices):
        EVEN = "even"
        FAST = "fast"

    class Placement(models.TextChoices):
        FEED = "feed"
        VIDEO_PREROLL = "video_preroll"
        STREAM_SIDEBAR = "stream_sidebar"

    class Device(models.TextChoices):
        MOBILE = "mobile"
        TABLET = "tablet"
        DESKTOP = "desktop"

    # The one transition graph (campaign_transition enforces it).
    TRANSITIONS = {
        Status.DRAFT: {Status.ACTIVE, Status.COMPLETED},
        Status.ACTIVE: {Status.PAUSED, Status.COMPLETED},
        Status.PAUSED: {Status.ACTIVE, Status.COMPLETED},
        Status.COMPLETED: set(),
    }

    advertiser = models.ForeignKey(Advertiser, on_delete=models.CASCADE, related_name="campaigns")
    name = models.CharField(max_length=120)
    objective = models.CharField(max_length=16, choices=Objective.choices, default=Objective.AWARENESS)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True)
    pause_reason = models.CharField(max_length=24, choices=PauseReason.choices, default="", blank=True)
    start_at = models.DateTimeField()
    end_at = models.DateTimeField()
    currency = models.CharField(max_length=3, default="usd")
    total_budget = models.PositiveBigIntegerField(help_text="Minor units.")
    daily_budget = models.PositiveBigIntegerField(help_text="Minor units per UTC day.")
    bid_type = models.CharField(max_length=3, choices=BidType.choices, default=BidType.CPM)
    bid_amount = models.PositiveIntegerField(help_text="Minor units: per 1000 impressions (CPM) or per click (CPC).")
    pacing = models.CharField(max_length=4, choices=Pacing.choices, default=Pacing.EVEN)
    frequency_cap = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Impressions per user per UTC day; empty: no cap."
    )
    # Targeting: an empty list means "everyone".
    target_countries = models.JSONField(default=list, blank=True)
    target_languages = models.JSONField(default=list, blank=True)
    target_age_min = models.PositiveSmallIntegerField(null=True, blank=True)
    target_age_max = models.PositiveSmallIntegerField(null=True, blank=True)
    target_interests = models.JSONField(default=list, blank=True, help_text="Hashtag names, without '#'.")
    placements = models.JSONField(default=list, blank=True, help_text="Empty: every placement.")
    target_devices = models.JSONField(default=list, blank=True)

    # Spend, milli-minor units; changed only under a row lock by ads.services.spend (see module doc).
    spent_total_milli = models.PositiveBigIntegerField(default=0)
    spent_today_milli = models.PositiveBigIntegerField(default=0)
    spent_day = models.DateField(null=True, blank=True, help_text="The UTC day spent_today_milli belongs to.")
    # Whole minor units already charged to the advertiser's balance (floor(spent_total_milli / 1000)).
    charged_minor = models.PositiveBigIntegerField(default=0)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(end_at__gt=F("start_at")), name="campaign_end_after_start"),
            models.CheckConstraint(condition=Q(daily_budget__lte=F("total_budget")), name="campaign_daily_le_total"),
            models.CheckConstraint(condition=Q(bid_amount__gt=0), name="campaign_bid_positive"),
            models.CheckConstraint(
                condition=Q(spent_total_milli__lte=F("total_budget") * MILLI), name="campaign_spend_within_budget"
            ),
            models.CheckConstraint(
                condition=Q(target_age_min__isnull=True)
                | Q(target_age_max__isnull=True)
                | Q(target_age_max__gte=F("target_age_min")),
                name="campaign_age_range_ordered",
            ),
        ]
        indexes = [models.Index(fields=["status", "end_at"], name="campaign_status_end_idx")]

    def __str__(self):
        return self.name

    @property
    def price_milli(self) -> int:
        """What one chargeable event costs: a CPM impression costs bid/1000 minor = `bid` milli-minor."""
        return self.bid_amount if self.bid_type == self.BidType.CPM else self.bid_amount * MILLI

    def spent_today_for(self, day) -> int:
        return self.spent_today_milli if self.spent_day == day else 0
