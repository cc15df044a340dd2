"""Money leaving creators (payouts) and advertisers' prepaid balance (funding and spend)."""

from django.db import transaction
from django.db.models import Sum

from core.exceptions import Conflict
from payments.ledger.accounts import CREATOR_KINDS, Entry, Kind, _lock_user_accounts, _platform, _post, account_balance
from payments.models import JournalEntry, JournalLine


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
