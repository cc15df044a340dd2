"""Posting to the double-entry ledger: the only code that writes JournalEntry and JournalLine rows.

Every money movement is one entry whose lines sum to zero per currency, under a unique external key
(a charge, refund, dispute, transfer or payout id), so a replayed webhook or a retried task finds the
key taken and posts nothing. Balances are sums of lines, never stored.

Accounts and signs (positive = debit): the platform's cash at Stripe (`stripe_balance`) is an asset;
what the platform owes creators (`creator_pending`, `creator_available`) and advertisers
(`advertiser_balance`) are liabilities, shown to people as positive numbers (the negated sum).

A creator's share of a payment sits in `creator_pending` until its holding period ends
(PAYOUT_HOLD_DAYS), then a release entry moves it to `creator_available`, the only account payouts
draw from. A refund or dispute reverses the creator's share from wherever that share is: pending if
not yet released, else available, and what available cannot cover becomes `creator_receivable`
(owed by the creator, settled first from later releases) — so available is never negative.
Postings that touch a creator's accounts lock those account rows first (always in id order), which
serialises them per creator without blocking anyone else.
"""

from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.utils import timezone

from core.exceptions import Conflict
from payments.models import JournalEntry, JournalLine, LedgerAccount

Kind = LedgerAccount.Kind
Entry = JournalEntry.Kind
CREATOR_KINDS = (Kind.CREATOR_PENDING, Kind.CREATOR_AVAILABLE, Kind.CREATOR_RECEIVABLE)


class UnbalancedEntry(ValueError):
    pass


# --- accounts and balances ----------------------------------------------------------------------------
def ledger_account(*, kind: str, currency: str, user=None) -> LedgerAccount:
    """The account (created on first use; concurrent first uses end with one row)."""
    lookup = {"kind": kind, "currency": currency, "user": user if kind in LedgerAccount.USER_KINDS else None}
    account = LedgerAccount.objects.filter(**lookup).first()
    if account is not None:
        return account
    try:
        with transaction.atomic():
            return LedgerAccount.objects.create(**lookup)
    except IntegrityError:
        return LedgerAccount.objects.get(**lookup)


def _lock_user_accounts(*, user, currency: str, kinds) -> dict:
    """Lock the user's accounts of these kinds (id order, so two postings never deadlock)."""
    ids = [ledger_account(kind=k, currency=currency, user=user).pk for k in kinds]
    locked = LedgerAccount.objects.select_for_update().filter(pk__in=ids).order_by("pk")
    return {a.kind: a for a in locked}


def account_balance(account: LedgerAccount) -> int:
    """The signed sum of the account's lines (debit positive)."""
    return JournalLine.objects.filter(account=account).aggregate(total=Sum("amount"))["total"] or 0


def creator_balances(*, user, currency: str) -> dict:
    """{pending, available, receivable} in minor units, as the creator reads them (positive = owed to them)."""
    rows = (
        JournalLine.objects.filter(account__user=user, account__currency=currency, account__kind__in=CREATOR_KINDS)
        .values_list("account__kind")
        .annotate(total=Sum("amount"))
    )
    sums = dict(rows)
    return {
        "pending": -sums.get(Kind.CREATOR_PENDING, 0),
        "available": -sums.get(Kind.CREATOR_AVAILABLE, 0),
        "receivable": sums.get(Kind.CREATOR_RECEIVABLE, 0),
    }


def platform_fee(gross: int) -> int:
    fee = Decimal(gross) * settings.PLATFORM_FEE_PERCENT / Decimal(100)
    return int(fee.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _share(part: int, whole: int, of: int) -> int:
    """`of` apportioned to `part` of `whole`, rounded half up (integer arithmetic, no float)."""
    if whole <= 0:
        return 0
    return (part * of * 2 + whole) // (2 * whole)


# --- the one posting primitive ------------------------------------------------------------------------
def _post(*, external_key: str, kind: str, currency: str, lines: list, amount: int = 0, **fields):
    """Insert the entry and its lines; return (entry, created). An existing key returns the first entry."""
    lines = [(account, int(value)) for account, value in lines if value]
    if len(lines) < 2 or sum(value for _, value in lines) != 0:
        raise UnbalancedEntry(f"{external_key}: lines {[(a.kind, v) for a, v in lines]} do not balance")
    if any(account.currency != currency for account, _ in lines):
        raise UnbalancedEntry(f"{external_key}: every line must be in {currency}")
    existing = JournalEntry.objects.filter(external_key=external_key).first()
    if existing is not None:
        return existing, False
    fields.setdefault("occurred_at", timezone.now())
    try:
        with transaction.atomic():
            entry = JournalEntry.objects.create(
                external_key=external_key, kind=kind, currency=currency, amount=amount, **fields
            )
            JournalLine.objects.bulk_create(
                JournalLine(entry=entry, account=account, amount=value, currency=currency) for account, value in lines
            )
    except IntegrityError:
        # The same key posted concurrently by another worker: theirs is the one.
        return JournalEntry.objects.get(external_key=external_key), False
    return entry, True


def _platform(kind, currency):
    return ledger_account(kind=kind, currency=currency)


def _is_platform_user(user) -> bool:
    return user is not None and user.username.lower() == settings.PAYMENTS_PLATFORM_USERNAME.lower()


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


# --- payouts ------------------------------------------------------------------------------------------
@transaction.atomic
def ledger_post_payout(*, payout) -> JournalEntry:
    """available → in transit. The caller holds the creator's account locks and checked the balance."""
    accounts = _lock_user_accounts(user=payout.creator, currency=payout.currency, kinds=CREATOR_KINDS)
    available = -account_balance(accounts[Kind.CREATOR_AVAILABLE])
    if payout.amount > available:
        raise Conflict("The amount is more than your available balance.", code="insufficient_balance")
    entry, _ = _post(
        external_key=f"payout:{payout.pk}",
        kind=Entry.PAYOUT,
        currency=payout.currency,
        lines=[
            (accounts[Kind.CREATOR_AVAILABLE], payout.amount),
            (_platform(Kind.PAYOUTS_IN_TRANSIT, payout.currency), -payout.amount),
        ],
        amount=payout.amount,
        creator=payout.creator,
    )
    return entry


@transaction.atomic
def ledger_post_payout_paid(*, payout) -> JournalEntry:
    entry, _ = _post(
        external_key=f"payout_paid:{payout.pk}",
        kind=Entry.PAYOUT_PAID,
        currency=payout.currency,
        lines=[
            (_platform(Kind.PAYOUTS_IN_TRANSIT, payout.currency), payout.amount),
            (_platform(Kind.STRIPE_BALANCE, payout.currency), -payout.amount),
        ],
        amount=payout.amount,
        creator=payout.creator,
        memo=payout.stripe_transfer_id,
    )
    return entry


@transaction.atomic
def ledger_post_payout_failed(*, payout) -> JournalEntry:
    """Give the money back to available: from transit, or (a reversed transfer) from the Stripe balance."""
    accounts = _lock_user_accounts(user=payout.creator, currency=payout.currency, kinds=[Kind.CREATOR_AVAILABLE])
    was_paid = JournalEntry.objects.filter(external_key=f"payout_paid:{payout.pk}").exists()
    source_kind = Kind.STRIPE_BALANCE if was_paid else Kind.PAYOUTS_IN_TRANSIT
    entry, _ = _post(
        external_key=f"payout_failed:{payout.pk}",
        kind=Entry.PAYOUT_FAILED,
        currency=payout.currency,
        lines=[
            (_platform(source_kind, payout.currency), payout.amount),
            (accounts[Kind.CREATOR_AVAILABLE], -payout.amount),
        ],
        amount=payout.amount,
        creator=payout.creator,
    )
    return entry


# --- advertisers ----------------------------------------------------------------------------------------
@transaction.atomic
def ledger_post_advertiser_funding(*, user, amount: int, currency: str, external_key: str, stripe_fee: int = 0):
    accounts = _lock_user_accounts(user=user, currency=currency, kinds=[Kind.ADVERTISER_BALANCE])
    entry, _ = _post(
        external_key=external_key,
        kind=Entry.ADVERTISER_FUNDING,
        currency=currency,
        lines=[
            (_platform(Kind.STRIPE_BALANCE, currency), amount - stripe_fee),
            (_platform(Kind.STRIPE_FEES, currency), stripe_fee),
            (accounts[Kind.ADVERTISER_BALANCE], -amount),
        ],
        amount=amount,
        source=JournalEntry.Source.PLATFORM,
    )
    return entry


def advertiser_balance(*, user) -> dict:
    """{currency: prepaid balance in minor units} for an advertiser (currencies they ever funded)."""
    rows = (
        JournalLine.objects.filter(account__user=user, account__kind=Kind.ADVERTISER_BALANCE)
        .values_list("account__currency")
        .annotate(total=Sum("amount"))
    )
    return {currency: -total for currency, total in rows}


@transaction.atomic
def ad_spend_charge(*, advertiser_user, amount_minor: int, currency: str, external_key: str) -> JournalEntry:
    """Spend from an advertiser's prepaid balance (ad revenue to the platform). Once per external_key;
    raises Conflict(code="insufficient_balance") when the balance cannot cover it."""
    if amount_minor <= 0:
        raise Conflict("Ad spend must be positive.", code="invalid_amount")
    accounts = _lock_user_accounts(user=advertiser_user, currency=currency, kinds=[Kind.ADVERTISER_BALANCE])
    existing = JournalEntry.objects.filter(external_key=external_key).first()
    if existing is not None:
        return existing
    balance = -account_balance(accounts[Kind.ADVERTISER_BALANCE])
    if amount_minor > balance:
        raise Conflict("The advertiser's prepaid balance is too low.", code="insufficient_balance")
    entry, _ = _post(
        external_key=external_key,
        kind=Entry.AD_SPEND,
        currency=currency,
        lines=[
            (accounts[Kind.ADVERTISER_BALANCE], amount_minor),
            (_platform(Kind.AD_REVENUE, currency), -amount_minor),
        ],
        amount=amount_minor,
        source=JournalEntry.Source.PLATFORM,
    )
    return entry
