"""Stripe Connect Express accounts of creators and the payouts (Transfers) made to them."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from core.models import BaseModel


class ConnectAccount(BaseModel):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="connect_account")
    stripe_account_id = models.CharField(max_length=255, unique=True)
    charges_enabled = models.BooleanField(default=False)
    payouts_enabled = models.BooleanField(default=False)
    details_submitted = models.BooleanField(default=False)
    requirements_due = models.JSONField(default=list, blank=True)
    synced_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return self.stripe_account_id


class Payout(BaseModel):
    """pending → paid | failed. The money left `available` when the payout was requested."""

    class Status(models.TextChoices):
        PENDING = "pending"
        PAID = "paid"
        FAILED = "failed"

    TRANSITIONS = {Status.PENDING: {Status.PAID, Status.FAILED}, Status.PAID: {Status.FAILED}, Status.FAILED: set()}

    creator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="payouts")
    account = models.ForeignKey(ConnectAccount, on_delete=models.PROTECT, related_name="payouts")
    amount = models.PositiveIntegerField(help_text="Minor units.")
    currency = models.CharField(max_length=3)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True)
    stripe_transfer_id = models.CharField(max_length=255, blank=True)
    failure_reason = models.CharField(max_length=500, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payout_amount_positive"),
            models.UniqueConstraint(
                fields=["stripe_transfer_id"], condition=~Q(stripe_transfer_id=""), name="payout_transfer_unique"
            ),
        ]

    def __str__(self):
        return f"payout {self.amount / 100:.2f} {self.currency.upper()} ({self.status})"
