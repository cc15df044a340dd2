from payments.models.billing import AdvertiserFunding, StripeCustomer, Subscription, Tier, Tip
from payments.models.ledger import AppendOnlyError, JournalEntry, JournalLine, LedgerAccount
from payments.models.payouts import ConnectAccount, Payout
from payments.models.webhooks import WebhookEvent

__all__ = [
    "AdvertiserFunding",
    "AppendOnlyError",
    "ConnectAccount",
    "JournalEntry",
    "JournalLine",
    "LedgerAccount",
    "Payout",
    "StripeCustomer",
    "Subscription",
    "Tier",
    "Tip",
    "WebhookEvent",
]
