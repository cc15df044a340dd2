"""The advertiser prepaid balance (for the ads app) and query-count pins on the list endpoints."""

import pytest
from django.utils import timezone

from core.exceptions import Conflict
from payments import ledger
from payments.models import AdvertiserFunding, ConnectAccount, JournalEntry, Payout, Subscription, Tip
from payments.services import advertiser_balance_fund
from payments.tests.conftest import make_event
from payments.tests.factories import TierFactory
from users.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_fund_spend_and_balance(stripe_on, user, card, deliver):
    funding, intent = advertiser_balance_fund(
        user=user, amount_minor=10_000, currency="usd", payment_method=card(), idempotency_key="topup-1"
    )
    again, _ = advertiser_balance_fund(
        user=user, amount_minor=10_000, currency="usd", payment_method=card(), idempotency_key="topup-1"
    )
    assert again.pk == funding.pk and AdvertiserFunding.objects.count() == 1
    assert ledger.advertiser_balance(user=user) == {}
    deliver(make_event("payment_intent.succeeded", {"id": intent["id"], "object": "payment_intent"}))
    assert AdvertiserFunding.objects.get().status == "succeeded"
    assert ledger.advertiser_balance(user=user) == {"usd": 10_000}

    ledger.ad_spend_charge(advertiser_user=user, amount_minor=2_500, currency="usd", external_key="spend:c1:1")
    ledger.ad_spend_charge(advertiser_user=user, amount_minor=2_500, currency="usd", external_key="spend:c1:1")
    assert ledger.advertiser_balance(user=user) == {"usd": 7_500}
    with pytest.raises(Conflict) as exc:
        ledger.ad_spend_charge(advertiser_user=user, amount_minor=7_501, currency="usd", external_key="spend:c1:2")
    assert exc.value.code == "insufficient_balance"
    revenue = ledger.account_balance(ledger.ledger_account(kind="ad_revenue", currency="usd"))
    assert revenue == -2_500


def _subscriptions(fan, n):
    for _ in range(n):
        tier = TierFactory()
        Subscription.objects.create(
            fan=fan, creator=tier.creator, tier=tier, status="active", price_amount=500, paid_through=timezone.now()
        )


@pytest.mark.parametrize("n", [1, 20])
def test_list_query_counts_do_not_grow(n, user, creator, client_for, django_assert_max_num_queries):
    _subscriptions(user, n)
    tier = TierFactory(creator=creator)
    account = ConnectAccount.objects.create(user=creator, stripe_account_id="acct_q")
    for _ in range(n):
        fan = UserFactory()
        Subscription.objects.create(fan=fan, creator=creator, tier=tier, status="active", price_amount=500)
        Tip.objects.create(fan=fan, creator=creator, amount=500, currency="usd")
        Payout.objects.create(creator=creator, account=account, amount=1000, currency="usd")
    with django_assert_max_num_queries(3):
        assert len(client_for(user).get("/api/v1/subscriptions").json()["results"]) == n
    with django_assert_max_num_queries(3):
        assert len(client_for(creator).get("/api/v1/subscribers").json()["results"]) == n
    with django_assert_max_num_queries(3):
        assert len(client_for(creator).get("/api/v1/tips").json()["results"]) == n
    with django_assert_max_num_queries(3):
        assert len(client_for(creator).get("/api/v1/payouts").json()["results"]) == n
    with django_assert_max_num_queries(3):
        assert len(client_for(user).get(f"/api/v1/users/{creator.pk}/tiers").json()) == 1


def test_journal_entries_unique_per_external_key(db, creator):
    for _ in range(3):
        ledger.ledger_post_earning(
            external_key="earning:ch_same", creator=creator, gross=1000, currency="usd", source="tip"
        )
    assert JournalEntry.objects.filter(external_key="earning:ch_same").count() == 1
