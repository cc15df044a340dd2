"""Tiers, subscriptions, customers, tips and advertiser top-ups: what fans and advertisers pay for.

Money is integer minor units plus an ISO currency (lowercase, as Stripe uses), never float.
Status fields change only through the transition functions in payments.services.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from core.models import BaseModel


class Tier(BaseModel):
    """A creator's monthly membership level (the platform's premium plan is a tier of the platform account)."""

    creator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="tiers")
    name = models.CharField(max_length=80)
    description = models.TextField(blank=True)
    benefits = models.JSONField(default=list, blank=True)
    price_amount = models.PositiveIntegerField(help_text="Monthly price in minor units (cents).")
    currency = models.CharField(max_length=3, default="usd")
    is_active = models.BooleanField(default=True)
    stripe_product_id = models.CharField(max_length=255, blank=True)
    # The plan new subscribers get; a price change makes a new plan and existing subscribers keep theirs.
    stripe_plan_id = models.CharField(max_length=255, blank=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(price_amount__gt=0), name="tier_price_positive")]

    def __str__(self):
        return f"{self.name} ({self.price_amount / 100:.2f} {self.currency.upper()})"


class Subscription(BaseModel):
    class Status(models.TextChoices):
        INCOMPLETE = "incomplete"
        ACTIVE = "active"
        PAST_DUE = "past_due"
        CANCELED = "canceled"

    LIVE_STATUSES = (Status.INCOMPLETE, Status.ACTIVE, Status.PAST_DUE)

    fan = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="subscriptions")
    creator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="subscribers")
    tier = models.ForeignKey(Tier, on_delete=models.PROTECT, related_name="subscriptions")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.INCOMPLETE, db_index=True)
    # Access to subscriber-only content lasts until this moment (set from paid invoices).
    paid_through = models.DateTimeField(null=True, blank=True)
    cancel_at_period_end = models.BooleanField(default=False)
    stripe_subscription_id = models.CharField(max_length=255, blank=True)
    # What this fan pays: the tier's plan at subscription time (price changes do not move them).
    stripe_plan_id = models.CharField(max_length=255, blank=True)
    price_amount = models.PositiveIntegerField(default=0)
    current_period_end = models.DateTimeField(null=True, blank=True)
    canceled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            # One live subscription per fan per creator.
            models.UniqueConstraint(
                fields=["fan", "creator"],
                condition=Q(status__in=["incomplete", "active", "past_due"]),
                name="subscription_one_live_per_fan_creator",
            ),
            models.UniqueConstraint(
                fields=["stripe_subscription_id"],
                condition=~Q(stripe_subscription_id=""),
                name="subscription_stripe_id_unique",
            ),
        ]
        indexes = [models.Index(fields=["creator", "status"], name="subscr_creator_status_idx")]

    def __str__(self):
        return f"{self.fan_id} → {self.creator_id} ({self.status})"


class StripeCustomer(BaseModel):
    """The one Stripe customer of a user (created on their first payment, reused after)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="stripe_customer")
    stripe_customer_id = models.CharField(max_length=255, unique=True)

    def __str__(self):
        return self.stripe_customer_id


class Tip(BaseModel):
    class Status(models.TextChoices):
        PENDING = "pending"
        SUCCEEDED = "succeeded"
        FAILED = "failed"

    fan = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="tips_sent")
    creator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="tips_received")
    amount = models.PositiveIntegerField(help_text="Minor units.")
    currency = models.CharField(max_length=3)
    message = models.CharField(max_length=280, blank=True)
    # An opaque reference to what was tipped (a post, a video, a live stream): payments sits below
    # content and livestream, so it stores the reference and never imports them.
    target_type = models.CharField(max_length=32, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True)
    stripe_payment_intent_id = models.CharField(max_length=255, blank=True)
    stripe_charge_id = models.CharField(max_length=255, blank=True)
    failure_reason = models.CharField(max_length=255, blank=True)
    succeeded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="tip_amount_positive"),
            models.CheckConstraint(condition=~Q(fan=models.F("creator")), name="tip_not_self"),
            models.UniqueConstraint(
                fields=["stripe_payment_intent_id"],
                condition=~Q(stripe_payment_intent_id=""),
                name="tip_payment_intent_unique",
            ),
        ]

    def __str__(self):
        return f"tip {self.amount / 100:.2f} {self.currency.upper()} ({self.status})"

    def notification_snapshot(self):
        return {"amount": self.amount, "currency": self.currency, "message": self.message[:140]}


class AdvertiserFunding(BaseModel):
    """A prepaid top-up of an advertiser's balance, paid by card; credited when Stripe confirms it."""

    class Status(models.TextChoices):
        PENDING = "pending"
        SUCCEEDED = "succeeded"
        FAILED = "failed"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="ad_fundings")
    amount = models.PositiveIntegerField(help_text="Minor units.")
    currency = models.CharField(max_length=3)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True)
    stripe_payment_intent_id = models.CharField(max_length=255, blank=True)
    idempotency_key = models.CharField(max_length=255)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="ad_funding_amount_positive"),
            models.UniqueConstraint(fields=["user", "idempotency_key"], name="ad_funding_idempotency_unique"),
        ]
