"""The double-entry ledger: accounts, journal entries and their lines (append-only).

Sign convention: a line's `amount` is signed minor units, positive = debit, negative = credit. The lines
of an entry sum to zero per currency. Balances are never stored: they are sums of lines.
Writes go only through payments.ledger, which checks the balance of every entry before saving it.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from core.models import BaseModel


class AppendOnlyError(Exception):
    pass


class AppendOnlyModel(BaseModel):
    """Rows are inserted once and never changed: a correction is a new, reversing entry."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        # Not business logic: an integrity guard, so no code path (admin, shell, bug) can rewrite history.
        if not self._state.adding:
            raise AppendOnlyError(f"{type(self).__name__} rows are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(f"{type(self).__name__} rows are append-only")


class LedgerAccount(BaseModel):
    class Kind(models.TextChoices):
        # platform accounts (no owner)
        STRIPE_BALANCE = "stripe_balance", "Stripe balance (cash at Stripe)"
        PLATFORM_REVENUE = "platform_revenue", "Platform revenue (fees)"
        STRIPE_FEES = "stripe_fees", "Stripe fees"
        PAYOUTS_IN_TRANSIT = "payouts_in_transit", "Payouts in transit"
        AD_REVENUE = "ad_revenue", "Ad revenue"
        DISPUTE_LOSSES = "dispute_losses", "Dispute losses"
        # per-user accounts
        CREATOR_PENDING = "creator_pending", "Creator earnings, pending"
        CREATOR_AVAILABLE = "creator_available", "Creator earnings, available"
        CREATOR_RECEIVABLE = "creator_receivable", "Owed by creator (reversals beyond available)"
        ADVERTISER_BALANCE = "advertiser_balance", "Advertiser prepaid balance"

    USER_KINDS = (Kind.CREATOR_PENDING, Kind.CREATOR_AVAILABLE, Kind.CREATOR_RECEIVABLE, Kind.ADVERTISER_BALANCE)

    kind = models.CharField(max_length=32, choices=Kind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="ledger_accounts"
    )
    currency = models.CharField(max_length=3)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "user", "currency"], condition=Q(user__isnull=False), name="ledger_account_user_unique"
            ),
            models.UniqueConstraint(
                fields=["kind", "currency"], condition=Q(user__isnull=True), name="ledger_account_platform_unique"
            ),
        ]

    def __str__(self):
        owner = f" {self.user_id}" if self.user_id else ""
        return f"{self.kind}{owner} {self.currency.upper()}"


class JournalEntry(AppendOnlyModel):
    class Kind(models.TextChoices):
        EARNING = "earning"  # a fan payment (tip, subscription invoice) or an ad revenue share
        RELEASE = "release"  # pending → available after the holding period
        REFUND = "refund"
        DISPUTE = "dispute"
        DISPUTE_WON = "dispute_won"
        PAYOUT = "payout"  # available → in transit
        PAYOUT_PAID = "payout_paid"  # in transit → out of the Stripe balance
        PAYOUT_FAILED = "payout_failed"  # back to available
        ADVERTISER_FUNDING = "advertiser_funding"
        AD_SPEND = "ad_spend"

    class Source(models.TextChoices):
        SUBSCRIPTION = "subscription"
        TIP = "tip"
        STREAM_DONATION = "stream_donation"
        AD_REVENUE_SHARE = "ad_revenue_share"
        PLATFORM = "platform"  # premium plan, advertiser money: not a creator's earning

    # The idempotency of money: a Stripe event id, charge id, refund id, transfer id... A replayed
    # webhook or a retried task computes the same key and the unique constraint refuses a second post.
    external_key = models.CharField(max_length=255, unique=True)
    kind = models.CharField(max_length=24, choices=Kind.choices, db_index=True)
    creator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="journal_entries"
    )
    source = models.CharField(max_length=24, choices=Source.choices, blank=True)
    # Opaque reference to what earned the money ("post:<id>", "video:<id>", "live_stream:<id>", "tier:<id>").
    source_ref = models.CharField(max_length=100, blank=True)
    related = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversals",
        help_text="The earning a refund, dispute or release applies to.",
    )  # fmt: skip
    currency = models.CharField(max_length=3)
    # The gross money this entry is about (an earning's charge, a refund's amount, a payout's amount),
    # kept beside the lines so partial refunds can be apportioned without re-deriving it.
    amount = models.BigIntegerField(default=0)
    # Earnings only: when the creator's share leaves the holding period.
    available_at = models.DateTimeField(null=True, blank=True, db_index=True)
    occurred_at = models.DateTimeField(db_index=True)
    memo = models.CharField(max_length=255, blank=True)

    class Meta:
        verbose_name_plural = "journal entries"
        indexes = [models.Index(fields=["creator", "occurred_at"], name="journal_creator_occurred_idx")]

    def __str__(self):
        return f"{self.kind} {self.external_key}"


class JournalLine(AppendOnlyModel):
    entry = models.ForeignKey(JournalEntry, on_delete=models.PROTECT, related_name="lines")
    account = models.ForeignKey(LedgerAccount, on_delete=models.PROTECT, related_name="lines")
    amount = models.BigIntegerField(help_text="Minor units; positive debit, negative credit.")
    currency = models.CharField(max_length=3)

    class Meta:
        constraints = [models.CheckConstraint(condition=~Q(amount=0), name="journal_line_nonzero")]

    def __str__(self):
        return f"{self.account} {self.amount:+d}"
