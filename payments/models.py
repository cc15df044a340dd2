"""Payments models. Tier and Subscription carry the state that content visibility reads.

Money is integer minor units plus an ISO currency (lowercase, as Stripe uses), never float.
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

    class Meta:
        constraints = [
            # One live subscription per fan per creator.
            models.UniqueConstraint(
                fields=["fan", "creator"],
                condition=Q(status__in=["incomplete", "active", "past_due"]),
                name="subscription_one_live_per_fan_creator",
            ),
        ]
