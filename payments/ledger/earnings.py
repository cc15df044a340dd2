"""Earnings, their holding period, and the refunds and disputes that reverse them."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone

from payments.ledger.accounts import (
    CREATOR_KINDS,
    Entry,
    Kind,
    _is_platform_user,
    _lock_user_accounts,
    _platform,
    _post,
    _share,
    account_balance,
    platform_fee,
)
from payments.models import JournalEntry, JournalLine


# --- earnings -----------------------------------------------------------------------------------------
@transaction.atomic
def ledger_post_earning(
    *,
    external_key: str,
    creator,
    gross: int,
    currency: str,
    source: str,
    source_ref: str = "",
    stripe_fee: int = 0,
    occurred_at=None,
    memo: str = "",
) -> JournalEntry:
    """A fan's payment to a creator: cash in at Stripe, the platform's fee, the creator's share pending.

    Payments to the platform account itself (the premium plan) are all platform revenue.
    """
    now = occurred_at or timezone.now()
    if _is_platform_user(creator):
        fee, net = gross, 0
        source = JournalEntry.Source.PLATFORM
    else:
        fee = platform_fee(gross)
        net = gross - fee
    lines = [
        (_platform(Kind.STRIPE_BALANCE, currency), gross - stripe_fee),
        (_platform(Kind.STRIPE_FEES, currency), stripe_fee),
        (_platform(Kind.PLATFORM_REVENUE, currency), -fee),
    ]
    if net:
        accounts = _lock_user_accounts(user=creator, currency=currency, kinds=[Kind.CREATOR_PENDING])
        lines.append((accounts[Kind.CREATOR_PENDING], -net))
    entry, _ = _post(
        external_key=external_key,
        kind=Entry.EARNING,
        currency=currency,
        lines=lines,
        amount=gross,
        creator=creator,
        source=source,
        source_ref=source_ref,
        occurred_at=now,
        available_at=now + timedelta(days=settings.PAYOUT_HOLD_DAYS),
        memo=memo[:255],
    )
    return entry


@transaction.atomic
def ledger_post_ad_revenue_share(*, creator, amount: int, currency: str, external_key: str, source_ref: str = ""):
    """The ads app's revenue share for a creator: ad revenue → the creator's pending earnings."""
    accounts = _lock_user_accounts(user=creator, currency=currency, kinds=[Kind.CREATOR_PENDING])
    now = timezone.now()
    entry, _ = _post(
        external_key=external_key,
        kind=Entry.EARNING,
        currency=currency,
        lines=[(_platform(Kind.AD_REVENUE, currency), amount), (accounts[Kind.CREATOR_PENDING], -amount)],
        amount=amount,
        creator=creator,
        source=JournalEntry.Source.AD_REVENUE_SHARE,
        source_ref=source_ref,
        occurred_at=now,
        available_at=now + timedelta(days=settings.PAYOUT_HOLD_DAYS),
    )
    return entry


def _creator_net(earning: JournalEntry) -> int:
    """The creator's original share of an earning (the credit to their pending account)."""
    total = earning.lines.filter(account__kind=Kind.CREATOR_PENDING).aggregate(t=Sum("amount"))["t"] or 0
    return -total


def _is_released(earning: JournalEntry) -> bool:
    return earning.reversals.filter(kind=Entry.RELEASE).exists()


def _reversed_gross(earning: JournalEntry) -> int:
    rows = earning.reversals.filter(kind__in=[Entry.REFUND, Entry.DISPUTE, Entry.DISPUTE_WON]).values_list(
        "kind", "amount"
    )
    return sum(-amt if kind == Entry.DISPUTE_WON else amt for kind, amt in rows)


@transaction.atomic
def ledger_post_reversal(
    *, external_key: str, kind: str, earning: JournalEntry, amount: int, stripe_fee: int = 0, occurred_at=None
):
    """A refund or dispute of (part of) an earning. Partial reversals accumulate: the creator's share of
    all reversals so far is apportioned from the running total, so rounding never drifts and the total
    reversed never exceeds the payment. Returns the entry, or None when nothing is left to reverse."""
    existing = JournalEntry.objects.filter(external_key=external_key).first()
    if existing is not None:
        return existing
    currency, gross, creator = earning.currency, earning.amount, earning.creator
    accounts = {}
    if creator is not None:
        accounts = _lock_user_accounts(user=creator, currency=currency, kinds=CREATOR_KINDS)
    before = _reversed_gross(earning)
    amount = min(amount, gross - before)
    if amount <= 0:
        return None
    net = _creator_net(earning)
    creator_part = _share(before + amount, gross, net) - _share(before, gross, net)
    lines = [
        (_platform(Kind.STRIPE_BALANCE, currency), -amount - stripe_fee),
        (_platform(Kind.STRIPE_FEES, currency), stripe_fee),
        (_platform(Kind.PLATFORM_REVENUE, currency), amount - creator_part),
    ]
    if creator_part:
        if not _is_released(earning):
            lines.append((accounts[Kind.CREATOR_PENDING], creator_part))
        else:
            available = -account_balance(accounts[Kind.CREATOR_AVAILABLE])
            from_available = max(0, min(creator_part, available))
            lines.append((accounts[Kind.CREATOR_AVAILABLE], from_available))
            lines.append((accounts[Kind.CREATOR_RECEIVABLE], creator_part - from_available))
    entry, _ = _post(
        external_key=external_key,
        kind=kind,
        currency=currency,
        lines=lines,
        amount=amount,
        creator=creator,
        source=earning.source,
        source_ref=earning.source_ref,
        related=earning,
        occurred_at=occurred_at or timezone.now(),
    )
    return entry


@transaction.atomic
def ledger_post_dispute_won(*, external_key: str, dispute_entry: JournalEntry):
    """A dispute decided for us: the disputed money comes back, the creator's share with it."""
    existing = JournalEntry.objects.filter(external_key=external_key).first()
    if existing is not None:
        return existing
    earning, currency = dispute_entry.related, dispute_entry.currency
    accounts = {}
    if earning.creator is not None:
        accounts = _lock_user_accounts(user=earning.creator, currency=currency, kinds=CREATOR_KINDS)
    released = _is_released(earning)
    lines = []
    for line in dispute_entry.lines.select_related("account"):
        if line.account.kind == Kind.STRIPE_FEES:
            continue  # Stripe keeps the dispute fee even when we win
        account = line.account
        if account.kind == Kind.STRIPE_BALANCE:
            value = dispute_entry.amount
        else:
            value = -line.amount
            if account.kind in CREATOR_KINDS:
                # The share goes back where it would be now: pending until the hold ends, else available.
                account = accounts[Kind.CREATOR_AVAILABLE if released else Kind.CREATOR_PENDING]
        lines.append((account, value))
    merged: dict = {}
    for account, value in lines:
        merged[account] = merged.get(account, 0) + value
    entry, _ = _post(
        external_key=external_key,
        kind=Entry.DISPUTE_WON,
        currency=currency,
        lines=list(merged.items()),
        amount=dispute_entry.amount,
        creator=earning.creator,
        source=earning.source,
        source_ref=earning.source_ref,
        related=earning,
    )
    return entry


# --- holding period -------------------------------------------------------------------------------------
@transaction.atomic
def ledger_release_earning(*, earning: JournalEntry):
    """Move what is left of an earning's creator share from pending to available (once)."""
    if earning.creator_id is None or earning.kind != Entry.EARNING:
        return None
    currency = earning.currency
    accounts = _lock_user_accounts(user=earning.creator, currency=currency, kinds=CREATOR_KINDS)
    if _is_released(earning):
        return None
    remaining = -(
        JournalLine.objects.filter(account=accounts[Kind.CREATOR_PENDING])
        .filter(Q(entry=earning) | Q(entry__related=earning))
        .aggregate(t=Sum("amount"))["t"]
        or 0
    )
    if remaining <= 0:
        return None
    owed = max(0, account_balance(accounts[Kind.CREATOR_RECEIVABLE]))
    settle = min(owed, remaining)
    entry, _ = _post(
        external_key=f"release:{earning.external_key}",
        kind=Entry.RELEASE,
        currency=currency,
        lines=[
            (accounts[Kind.CREATOR_PENDING], remaining),
            (accounts[Kind.CREATOR_RECEIVABLE], -settle),
            (accounts[Kind.CREATOR_AVAILABLE], -(remaining - settle)),
        ],
        amount=remaining,
        creator=earning.creator,
        source=earning.source,
        source_ref=earning.source_ref,
        related=earning,
    )
    return entry


def ledger_release_matured(*, now=None) -> int:
    """Release every earning whose holding period has ended; returns how many were released."""
    now = now or timezone.now()
    matured = (
        JournalEntry.objects.filter(kind=Entry.EARNING, creator__isnull=False, available_at__lte=now)
        # Only earnings with a creator share (the premium plan's payments have none to release).
        .filter(pk__in=JournalLine.objects.filter(account__kind=Kind.CREATOR_PENDING, amount__lt=0).values("entry_id"))
        .exclude(reversals__kind=Entry.RELEASE)
        .order_by("available_at")
    )
    released = 0
    for earning in matured.iterator():
        if ledger_release_earning(earning=earning) is not None:
            released += 1
    return released
