"""Property: any sequence of payments, refunds, disputes, releases and payouts (with replays) leaves
every entry balanced, no creator balance negative, and no payout paid twice."""

import uuid

import pytest
from django.db.models import Count, Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.exceptions import Conflict
from payments import ledger
from payments.models import ConnectAccount, JournalEntry, JournalLine, Payout
from payments.services.payouts import payout_mark_failed, payout_mark_paid
from users.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

index = st.integers(min_value=0, max_value=7)
money = st.integers(min_value=1, max_value=12_000)
operation = st.one_of(
    st.tuples(st.just("pay"), st.integers(min_value=100, max_value=10_000)),
    st.tuples(st.just("refund"), index, money),
    st.tuples(st.just("dispute"), index, money),
    st.tuples(st.just("dispute_won"), index),
    st.tuples(st.just("release"), index),
    st.tuples(st.just("payout"), money),
    st.tuples(st.just("paid"), index),
    st.tuples(st.just("fail"), index),
    st.tuples(st.just("replay"), index),
)


class Run:
    def __init__(self):
        self.creator = UserFactory(role="creator")
        self.account = ConnectAccount.objects.create(user=self.creator, stripe_account_id=f"acct_{uuid.uuid4().hex}")
        self.tag = uuid.uuid4().hex[:8]
        self.earnings, self.disputes, self.payouts, self.done = [], [], [], []

    def apply(self, op):
        kind, *args = op
        if kind == "pay":
            entry = ledger.ledger_post_earning(
                external_key=f"earning:{self.tag}:{len(self.earnings)}",
                creator=self.creator,
                gross=args[0],
                currency="usd",
                source="tip",
            )
            self.earnings.append(entry)
        elif kind in ("refund", "dispute") and self.earnings:
            earning = self.earnings[args[0] % len(self.earnings)]
            entry = ledger.ledger_post_reversal(
                external_key=f"{kind}:{self.tag}:{args[0]}:{args[1]}",
                kind=kind,
                earning=earning,
                amount=args[1],
                stripe_fee=1500 if kind == "dispute" else 0,
            )
            if kind == "dispute" and entry is not None:
                self.disputes.append(entry)
        elif kind == "dispute_won" and self.disputes:
            dispute = self.disputes[args[0] % len(self.disputes)]
            ledger.ledger_post_dispute_won(external_key=f"won:{dispute.external_key}", dispute_entry=dispute)
        elif kind == "release" and self.earnings:
            ledger.ledger_release_earning(earning=self.earnings[args[0] % len(self.earnings)])
        elif kind == "payout":
            payout = Payout.objects.create(creator=self.creator, account=self.account, amount=args[0], currency="usd")
            available = ledger.creator_balances(user=self.creator, currency="usd")["available"]
            try:
                ledger.ledger_post_payout(payout=payout)
            except Conflict:
                assert args[0] > available
                payout_mark_failed(payout_id=payout.pk, reason="refused")
                return
            self.payouts.append(payout)
        elif kind == "paid" and self.payouts:
            payout = self.payouts[args[0] % len(self.payouts)]
            payout_mark_paid(payout_id=payout.pk, transfer_id=f"tr_{payout.pk.hex}")
        elif kind == "fail" and self.payouts:
            payout_mark_failed(payout_id=self.payouts[args[0] % len(self.payouts)].pk, reason="reversed")
        elif kind == "replay" and self.done:
            self.apply(self.done[args[0] % len(self.done)])
            return
        else:
            return
        self.done.append(op)

    def check(self):
        unbalanced = JournalLine.objects.values("entry", "currency").annotate(total=Sum("amount")).exclude(total=0)
        assert list(unbalanced) == []
        balances = ledger.creator_balances(user=self.creator, currency="usd")
        assert balances["available"] >= 0, balances
        assert balances["pending"] >= 0, balances
        assert balances["receivable"] >= 0, balances
        paid_twice = (
            JournalEntry.objects.filter(kind="payout_paid", creator=self.creator)
            .values("external_key")
            .annotate(n=Count("id"))
            .filter(n__gt=1)
        )
        assert list(paid_twice) == []
        for payout in Payout.objects.filter(creator=self.creator):
            paid = JournalEntry.objects.filter(external_key=f"payout_paid:{payout.pk}").count()
            failed = JournalEntry.objects.filter(external_key=f"payout_failed:{payout.pk}").count()
            assert paid <= 1 and failed <= 1
            assert (payout.status == "paid") == (paid == 1 and failed == 0)
        for earning in self.earnings:
            reversed_gross = sum(
                -e.amount if e.kind == "dispute_won" else e.amount
                for e in earning.reversals.filter(kind__in=["refund", "dispute", "dispute_won"])
            )
            assert 0 <= reversed_gross <= earning.amount


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(ops=st.lists(operation, min_size=1, max_size=25))
def test_any_sequence_keeps_the_books_straight(db, ops):
    run = Run()
    for op in ops:
        run.apply(op)
        run.check()


def test_all_lines_sum_to_zero_overall(db):
    run = Run()
    for op in [
        ("pay", 1000),
        ("release", 0),
        ("payout", 500),
        ("paid", 0),
        ("refund", 0, 1000),
        ("pay", 2000),
        ("release", 1),
    ]:
        run.apply(op)
    # 900 released, 500 paid out, the refund takes 400 from available and 500 as owed, the next
    # release (1800) settles the 500 first.
    assert JournalLine.objects.aggregate(t=Sum("amount"))["t"] == 0
    assert ledger.creator_balances(user=run.creator, currency="usd") == {
        "pending": 0,
        "available": 1300,
        "receivable": 0,
    }


def test_entries_are_append_only(db):
    from payments.models import AppendOnlyError

    run = Run()
    run.apply(("pay", 1000))
    entry = run.earnings[0]
    with pytest.raises(AppendOnlyError):
        entry.memo = "edited"
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.lines.first().delete()
