"""Reconciling the ledger with Stripe: every balance transaction of a day should match one entry's
movement of the `stripe_balance` account, and every Stripe-backed entry of that day should have its
balance transaction. Differences are reported, never fixed silently."""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q

from payments import gateway
from payments.models import JournalEntry, JournalLine, LedgerAccount

# Stripe source id prefix → how our entries are keyed for it.
KEYS_FOR_SOURCE = {
    "ch_": ("earning:{id}", "funding:{id}"),
    "py_": ("earning:{id}", "funding:{id}"),
    "re_": ("refund:{id}",),
    "dp_": ("dispute:{id}",),
    "du_": ("dispute:{id}",),
}


@dataclass
class Difference:
    kind: str  # missing_in_ledger | amount_mismatch | missing_at_stripe
    stripe_id: str
    stripe_amount: int | None
    ledger_amount: int | None
    currency: str


@dataclass
class ReconciliationReport:
    day: dt.date
    matched: int = 0
    differences: list = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.differences


def _cash_movement(entry: JournalEntry) -> int:
    return sum(line.amount for line in entry.lines.all() if line.account.kind == LedgerAccount.Kind.STRIPE_BALANCE)


def _entry_for(txn: dict) -> JournalEntry | None:
    source = gateway.object_id(txn.get("source"))
    qs = JournalEntry.objects.prefetch_related("lines__account")
    if source.startswith("tr_"):
        return qs.filter(kind=JournalEntry.Kind.PAYOUT_PAID, memo=source).first()
    for prefix, patterns in KEYS_FOR_SOURCE.items():
        if source.startswith(prefix):
            return qs.filter(external_key__in=[p.format(id=source) for p in patterns]).first()
    return None


def reconcile_day(*, day: dt.date) -> ReconciliationReport:
    start = dt.datetime.combine(day, dt.time.min, tzinfo=dt.UTC)
    end = start + dt.timedelta(days=1)
    report = ReconciliationReport(day=day)
    seen_entries = set()
    for txn in gateway.balance_transactions_between(start=int(start.timestamp()), end=int(end.timestamp())):
        source = gateway.object_id(txn.get("source"))
        entry = _entry_for(txn)
        # A dispute's fee is a separate line of the same entry; compare what moved the balance in total.
        expected = int(txn["amount"]) - int(txn.get("fee") or 0)
        if entry is None:
            report.differences.append(Difference("missing_in_ledger", source, expected, None, txn["currency"]))
            continue
        seen_entries.add(entry.pk)
        moved = _cash_movement(entry)
        if moved != expected:
            report.differences.append(Difference("amount_mismatch", source, expected, moved, txn["currency"]))
        else:
            report.matched += 1
    stripe_backed = (
        JournalEntry.objects.filter(occurred_at__gte=start, occurred_at__lt=end)
        .filter(
            Q(external_key__startswith="earning:ch_")
            | Q(external_key__startswith="funding:ch_")
            | Q(external_key__startswith="refund:re_")
            | Q(kind=JournalEntry.Kind.PAYOUT_PAID)
        )
        .exclude(pk__in=seen_entries)
    )
    for entry in stripe_backed:
        moved = JournalLine.objects.filter(entry=entry, account__kind=LedgerAccount.Kind.STRIPE_BALANCE)
        amount = sum(moved.values_list("amount", flat=True))
        stripe_id = entry.memo if entry.kind == JournalEntry.Kind.PAYOUT_PAID else entry.external_key.split(":", 1)[1]
        report.differences.append(Difference("missing_at_stripe", stripe_id, None, amount, entry.currency))
    return report
