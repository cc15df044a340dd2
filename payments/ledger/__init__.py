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

from payments.ledger.accounts import (
    UnbalancedEntry,
    account_balance,
    creator_balances,
    ledger_account,
    platform_fee,
)
from payments.ledger.earnings import (
    ledger_post_ad_revenue_share,
    ledger_post_dispute_won,
    ledger_post_earning,
    ledger_post_reversal,
    ledger_release_earning,
    ledger_release_matured,
)
from payments.ledger.movements import (
    ad_spend_charge,
    advertiser_balance,
    ledger_post_advertiser_funding,
    ledger_post_payout,
    ledger_post_payout_failed,
    ledger_post_payout_paid,
)

__all__ = [
    "UnbalancedEntry",
    "account_balance",
    "ad_spend_charge",
    "advertiser_balance",
    "creator_balances",
    "ledger_account",
    "ledger_post_ad_revenue_share",
    "ledger_post_advertiser_funding",
    "ledger_post_dispute_won",
    "ledger_post_earning",
    "ledger_post_payout",
    "ledger_post_payout_failed",
    "ledger_post_payout_paid",
    "ledger_post_reversal",
    "ledger_release_earning",
    "ledger_release_matured",
    "platform_fee",
]
