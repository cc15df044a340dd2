"""Ledger accounts, balances and the one posting primitive (`_post`)."""

from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone

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
